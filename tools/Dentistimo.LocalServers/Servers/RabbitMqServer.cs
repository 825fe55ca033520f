using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dentistimo.LocalServers.Infrastructure;

namespace Dentistimo.LocalServers;

/// <summary>
/// RabbitMQ 3.10 from Debian with the management plugin, as a node of its own (<see cref="NodeName"/>) whose
/// configuration, database and logs are all under the state folder, run as the rabbitmq user.
/// </summary>
public sealed class RabbitMqServer : LocalServer
{
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    internal RabbitMqServer(ServerContext context) : base(context, "RabbitMQ", 5673, "rabbitmq")
    {
    }

    /// <summary>Named after its port, so that two sets' nodes are two nodes.</summary>
    public string NodeName => Port == 5673 ? "dentistimo@localhost" : $"dentistimo-{Port}@localhost";

    public int ManagementPort => Port + 10000;

    /// <summary>The Erlang distribution port, fixed so that it cannot collide with another node's.</summary>
    public int DistributionPort => Port + 20000;

    /// <summary>An administrator with every permission on the default virtual host "/".</summary>
    public string Username => "dentistimo";

    public string Password => "dentistimo";

    /// <summary>The management UI and its HTTP API under /api.</summary>
    public Uri ManagementUrl => new($"http://127.0.0.1:{ManagementPort}/");

    /// <summary>An AMQP URI for the default virtual host, as Aspire hands to services.</summary>
    public string ConnectionString => $"amqp://{Username}:{Password}@127.0.0.1:{Port}";

    public override string LogFile => Path.Combine(Folder, "rabbitmq.log");

    /// <summary>
    /// Creates a virtual host (if it does not exist) that <see cref="Username"/> may fully use, and returns its AMQP URI:
    /// exchanges and queues there are invisible to other virtual hosts, which isolates test fixtures from each other.
    /// </summary>
    public async Task<string> CreateVirtualHostAsync(string name, CancellationToken ct = default)
    {
        await SendToManagementAsync(HttpMethod.Put, $"api/vhosts/{Uri.EscapeDataString(name)}", null, ct);
        await SendToManagementAsync(
            HttpMethod.Put, $"api/permissions/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(Username)}",
            new { configure = ".*", write = ".*", read = ".*" }, ct);
        return $"{ConnectionString}/{Uri.EscapeDataString(name)}";
    }

    /// <summary>Deletes the virtual host with all its exchanges and queues; does nothing if it does not exist.</summary>
    public Task DeleteVirtualHostAsync(string name, CancellationToken ct = default) =>
        SendToManagementAsync(HttpMethod.Delete, $"api/vhosts/{Uri.EscapeDataString(name)}", null, ct);

    /// <summary>True when both AMQP and the management API (which only knows our user once set up) answer.</summary>
    public override async Task<bool> IsAnsweringAsync(CancellationToken ct = default) =>
        await Probe.IsHttpOkAsync(ManagementRequest(HttpMethod.Get, "api/whoami"), ct) && await Probe.IsPortOpenAsync(Port, ct);

    internal override IReadOnlyList<SystemPackage> RequiredPackages => [new("rabbitmq-server", ServerScript)];

    // The first start on two cores, creating the node's database, takes well over the usual ten seconds.
    private protected override TimeSpan StartTimeout => TimeSpan.FromMinutes(3);

    // The pid is that of the rabbitmq-server script: it turns SIGTERM into a clean shutdown of the Erlang VM,
    // and shares its process group with the VM, which an abrupt stop kills together.
    private protected override (string Path, string CommandFragment) PidFile => (Path.Combine(Folder, "rabbitmq-server.pid"), "rabbitmq-server");

    // The script can exit while the Erlang VM is still shutting down, holding the distribution port: a start then fails
    // with dist_port_already_used (the fault-injection tests, restarting RabbitMQ at once, met it). So wait for the VM too.
    private protected override bool HasExited => base.HasExited && Posix.ReadLivePid(BeamPidFile, "beam") is null;

    /// <summary>Where RabbitMQ writes the pid of its Erlang VM (RABBITMQ_PID_FILE).</summary>
    private string BeamPidFile => Path.Combine(Folder, "beam.pid");

    private protected override async Task LaunchAsync(CancellationToken ct)
    {
        var account = ServiceAccount.ToRunAs("rabbitmq");
        Directory.CreateDirectory(Path.Combine(Folder, "mnesia"));
        Directory.CreateDirectory(Path.Combine(Folder, "log"));
        var configFile = Path.Combine(Folder, "rabbitmq.conf");
        var pluginsFile = Path.Combine(Folder, "enabled_plugins");
        var environmentFile = Path.Combine(Folder, "rabbitmq-env.conf");
        // The default_* settings create our user and its permissions when the node's database is first made.
        await File.WriteAllTextAsync(configFile, $"""
            # Dentistimo's local RabbitMQ node, written by Dentistimo.LocalServers at every start
            listeners.tcp.default = 127.0.0.1:{Port}
            management.tcp.ip = 127.0.0.1
            management.tcp.port = {ManagementPort}
            default_vhost = /
            default_user = {Username}
            default_pass = {Password}
            default_user_tags.administrator = true
            default_permissions.configure = .*
            default_permissions.read = .*
            default_permissions.write = .*

            """, ct);
        await File.WriteAllTextAsync(pluginsFile, "[rabbitmq_management].\n", ct);
        // Stands in for /etc/rabbitmq/rabbitmq-env.conf, which belongs to Debian's default node.
        await File.WriteAllTextAsync(environmentFile, "# Everything is set through RABBITMQ_* variables by Dentistimo.LocalServers.\n", ct);
        await ServiceAccount.EnsureOwnedDirectoryAsync(Folder, account, Log, ct);

        var environment = new Dictionary<string, string>
        {
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_DIST_PORT"] = DistributionPort.ToString(),
            ["RABBITMQ_CONF_ENV_FILE"] = environmentFile,
            ["RABBITMQ_CONFIG_FILE"] = configFile,
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(Folder, "advanced.config"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = pluginsFile,
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(Folder, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(Folder, "log"),
            ["RABBITMQ_PID_FILE"] = BeamPidFile,
            ["RABBITMQ_LOGS"] = "-", // to stdout, which goes to LogFile
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
        };
        await StartDaemonAsync(new(ServerScript, []) { User = account, Environment = environment, WorkingDirectory = Folder }, ct);
    }

    /// <remarks>
    /// RabbitMQ 3.10 starts a one-off Erlang VM every minute (rabbit_epmd_monitor, "to keep epmd alive"), whatever
    /// epmd's state. On two cores shared with the services, that VM's start took 15-19% of the machine for two seconds
    /// and doubled the booking decisions' p99 in those seconds of a benchmark. So the monitor is stopped once the node
    /// is up: epmd stays up as a daemon, and were it killed, only the command-line tools would lose the node, not AMQP.
    /// </remarks>
    private protected override async Task OnStartedAsync(CancellationToken ct)
    {
        try
        {
            await Command.RunAsync(new("/usr/sbin/rabbitmqctl", [
                "--node", NodeName, "eval", "supervisor:terminate_child(rabbit_sup, rabbit_epmd_monitor_sup)."])
            {
                User = ServiceAccount.ToRunAs("rabbitmq"),
            }, ct, TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            Log($"RabbitMQ's epmd monitor keeps running (it costs a second of CPU a minute): {e.Message}");
        }
    }

    private HttpRequestMessage ManagementRequest(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(ManagementUrl, path))
        {
            Content = body is null ? null : JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}")));
        return request;
    }

    private async Task SendToManagementAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = ManagementRequest(method, path, body);
        using var response = await Probe.Http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode && !(method == HttpMethod.Delete && response.StatusCode == System.Net.HttpStatusCode.NotFound))
        {
            throw new InvalidOperationException(
                $"RabbitMQ management API: {method} {request.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }
    }
}
