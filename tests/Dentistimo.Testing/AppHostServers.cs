using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dentistimo.Testing;

/// <summary>
/// PostgreSQL, Redis, RabbitMQ and MailDev as the AppHost runs them (Dentistimo.AppHost/AppHost.cs), started with
/// Aspire.Hosting.Testing from the AppHost's model without its three services, which the tests run in-process instead
/// (<see cref="BookingApiFactory"/> and the others). The servers stop when the test run ends: DCP stops what it ran
/// once the process that asked for it is gone.
/// </summary>
public sealed class AppHostServers
{
    private static readonly string[] s_servers = ["postgres", "bookingdb", "notifierdb", "cache", "messaging", "mail"];

    // A first run installs the servers and creates PostgreSQL's cluster and RabbitMQ's node; a safety net for a hung start.
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(5);

    private AppHostServers(DistributedApplication app, string postgres, string redis, string rabbitMq, string mail)
    {
        Postgres = new AppHostPostgres(app, postgres);
        Redis = new AppHostRedis(app, redis);
        RabbitMq = new AppHostRabbitMq(app, new Uri(rabbitMq), app.GetEndpoint("messaging", "management"));
        MailDev = new AppHostMailDev(app, mail, app.GetEndpoint("mail", "http"));
    }

    public AppHostPostgres Postgres { get; }

    public AppHostRedis Redis { get; }

    public AppHostRabbitMq RabbitMq { get; }

    public AppHostMailDev MailDev { get; }

    /// <summary>Starts the servers with their files in <paramref name="stateDirectory"/> and their ports moved by <paramref name="portOffset"/>.</summary>
    public static async Task<AppHostServers> StartAsync(string stateDirectory, int portOffset)
    {
        using var cts = new CancellationTokenSource(s_startTimeout);
        var builder = await CreateBuilderAsync(stateDirectory, portOffset, cts.Token);
        foreach (var service in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.Resources.Remove(service);
        }

        var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        await Task.WhenAll(s_servers.Select(server => app.ResourceNotifications.WaitForResourceHealthyAsync(server, cts.Token)));
        var servers = await OfAsync(app, cts.Token);
        // MailDev keeps its emails on disk across runs; tests find theirs by recipient, so earlier runs' only slow them down.
        await servers.MailDev.DeleteAllEmailsAsync();
        return servers;
    }

    /// <summary>The servers of an app started from the AppHost's model, once they are running.</summary>
    public static async Task<AppHostServers> OfAsync(DistributedApplication app, CancellationToken ct) => new(
        app,
        await ConnectionStringAsync(app, "postgres", ct),
        await ConnectionStringAsync(app, "cache", ct),
        await ConnectionStringAsync(app, "messaging", ct),
        await ConnectionStringAsync(app, "mail", ct));

    /// <summary>
    /// The AppHost's model for tests, with its servers' files in <paramref name="stateDirectory"/> (relative to the
    /// AppHost's folder) and their ports moved by <paramref name="portOffset"/>, apart from any other run of the model.
    /// No scheduled backups: the tests' data is throwaway, and the backup tests take theirs by command.
    /// </summary>
    public static Task<IDistributedApplicationTestingBuilder> CreateBuilderAsync(string stateDirectory, int portOffset, CancellationToken ct) =>
        DistributedApplicationTestingBuilder.CreateAsync<Projects.Dentistimo_AppHost>(
            [$"Servers:StateDirectory={stateDirectory}", $"Servers:PortOffset={portOffset}", "Servers:Backups:Interval=00:00:00"], ct);

    private static async Task<string> ConnectionStringAsync(DistributedApplication app, string resource, CancellationToken ct) =>
        await app.GetConnectionStringAsync(resource, ct) ?? throw new InvalidOperationException($"{resource} has no connection string.");
}

/// <summary>A server resource of the AppHost's, stopped and started as the dashboard's buttons do.</summary>
public abstract class AppHostServer(DistributedApplication app, string resourceName)
{
    // Safety nets for a hung server: RabbitMQ takes a few seconds to stop and to start on two cores.
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(3);
    private static readonly HttpClient s_probe = new() { Timeout = TimeSpan.FromSeconds(10) };

    protected DistributedApplication App { get; } = app;

    public string ResourceName { get; } = resourceName;

    /// <summary>Whether the server answers its clients now.</summary>
    public abstract Task<bool> IsAnsweringAsync();

    /// <summary>Whether GET <paramref name="url"/> answers with a success status now.</summary>
    protected static async Task<bool> AnswersGetAsync(Uri url)
    {
        try
        {
            using var response = await s_probe.GetAsync(url);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops the server and returns once its process has exited.</summary>
    public async Task StopAsync()
    {
        using var cts = new CancellationTokenSource(s_stopTimeout);
        await App.StopResourceAsync(ResourceName, cts.Token);
    }

    /// <summary>Starts the stopped server again and returns once it answers.</summary>
    public async Task StartAsync()
    {
        using var cts = new CancellationTokenSource(s_startTimeout);
        var result = await App.ResourceCommands.ExecuteCommandAsync(ResourceName, KnownResourceCommands.StartCommand, cts.Token);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{ResourceName} did not start: {result.Message}");
        }

        await App.ResourceNotifications.WaitForResourceAsync(ResourceName, KnownResourceStates.Running, cts.Token);
        // The state says the process runs, not that it listens yet.
        await Eventually.TrueAsync(IsAnsweringAsync, s_startTimeout, $"{ResourceName} to answer again");
    }
}

public sealed class AppHostPostgres(DistributedApplication app, string serverConnectionString) : AppHostServer(app, "postgres")
{
    /// <summary>An Npgsql connection string for <paramref name="database"/> on this server, as Aspire hands to services.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = database }.ConnectionString;

    /// <summary>Drops the database if it exists, disconnecting whoever is still using it.</summary>
    public async Task DropDatabaseAsync(string name)
    {
        await using var dataSource = AdministrationDataSource();
        await using var drop = dataSource.CreateCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Creates an empty database.</summary>
    public async Task CreateDatabaseAsync(string name)
    {
        await using var dataSource = AdministrationDataSource();
        await using var create = dataSource.CreateCommand($"CREATE DATABASE \"{name}\"");
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>Lets new sessions into the database, or refuses them as PostgreSQL does with a transient error; open sessions stay.</summary>
    public async Task AllowConnectionsAsync(string database, bool allow)
    {
        await using var dataSource = AdministrationDataSource();
        await using var alter = dataSource.CreateCommand($"ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS {(allow ? "true" : "false")}");
        await alter.ExecuteNonQueryAsync();
    }

    /// <summary>Ends one session as a lost connection would, returning once its server process has gone.</summary>
    public async Task TerminateSessionAsync(int processId)
    {
        await using var dataSource = AdministrationDataSource();
        await using var terminate = dataSource.CreateCommand($"SELECT pg_terminate_backend({processId}, 5000)");
        await terminate.ExecuteNonQueryAsync();
    }

    public override async Task<bool> IsAnsweringAsync()
    {
        try
        {
            await using var dataSource = AdministrationDataSource();
            await using var select = dataSource.CreateCommand("SELECT 1");
            await select.ExecuteScalarAsync();
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>
    /// What PostgreSQL has logged so far: its output, which DCP keeps for the dashboard. A line logged just before the
    /// call is included, since this writes a line of its own last and reads until it arrives.
    /// </summary>
    public async Task<string> LogAsync()
    {
        var marker = $"log read {Guid.NewGuid():N}";
        await using (var dataSource = AdministrationDataSource())
        await using (var log = dataSource.CreateCommand($"DO $$ BEGIN RAISE LOG '{marker}'; END $$"))
        {
            await log.ExecuteNonQueryAsync();
        }

        var logger = App.Services.GetRequiredService<ResourceLoggerService>();
        // By the resource, not its name: DCP knows the process by a name of its own, which this overload looks up.
        var postgres = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(resource => resource.Name == ResourceName);
        var text = new StringBuilder();
        await Eventually.TrueAsync(async () =>
        {
            text.Clear();
            await foreach (var lines in logger.GetAllAsync(postgres))
            {
                foreach (var line in lines)
                {
                    text.AppendLine(line.Content);
                }
            }

            return text.ToString().Contains(marker, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), "PostgreSQL's log to reach the AppHost");
        return text.ToString();
    }

    // Unpooled, so that no idle connection of the tests' keeps a stopping server waiting.
    private NpgsqlDataSource AdministrationDataSource() => NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Pooling = false, Timeout = 5 }.ConnectionString);
}

public sealed class AppHostRedis(DistributedApplication app, string connectionString) : AppHostServer(app, "cache")
{
    /// <summary>StackExchange.Redis's configuration string, host:port, as Aspire hands to services.</summary>
    public string ConnectionString { get; } = connectionString;

    /// <summary>One inline command ("PING", "CLIENT PAUSE 1000 ALL") on a connection of its own: the start of the reply.</summary>
    public async Task<string> CommandAsync(string command)
    {
        var endpoint = System.Net.IPEndPoint.Parse(ConnectionString);
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{command}\r\n"));
        var reply = new byte[64];
        var read = await stream.ReadAsync(reply);
        return Encoding.ASCII.GetString(reply, 0, read);
    }

    public override async Task<bool> IsAnsweringAsync()
    {
        try
        {
            return (await CommandAsync("PING")).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

public sealed class AppHostRabbitMq(DistributedApplication app, Uri amqp, Uri managementUrl) : AppHostServer(app, "messaging")
{
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public Uri ManagementUrl { get; } = managementUrl;

    public string Username { get; } = Uri.UnescapeDataString(amqp.UserInfo.Split(':')[0]);

    public string Password { get; } = Uri.UnescapeDataString(amqp.UserInfo.Split(':')[1]);

    /// <summary>
    /// Creates a virtual host (if it does not exist) that <see cref="Username"/> may fully use, and returns its AMQP URI:
    /// exchanges and queues there are invisible to other virtual hosts, which isolates test fixtures from each other.
    /// </summary>
    public async Task<string> CreateVirtualHostAsync(string name)
    {
        await SendAsync(HttpMethod.Put, $"api/vhosts/{Uri.EscapeDataString(name)}");
        await SendAsync(HttpMethod.Put, $"api/permissions/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(Username)}",
            JsonContent.Create(new { configure = ".*", write = ".*", read = ".*" }));
        return $"{amqp.GetLeftPart(UriPartial.Authority)}/{Uri.EscapeDataString(name)}";
    }

    /// <summary>Deletes the virtual host with all its exchanges and queues; does nothing if it does not exist.</summary>
    public Task DeleteVirtualHostAsync(string name) => SendAsync(HttpMethod.Delete, $"api/vhosts/{Uri.EscapeDataString(name)}");

    /// <summary>True when both the management API and AMQP answer.</summary>
    public override async Task<bool> IsAnsweringAsync()
    {
        try
        {
            await SendAsync(HttpMethod.Get, "api/whoami");
            using var client = new TcpClient();
            await client.ConnectAsync(amqp.Host, amqp.Port);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException)
        {
            return false;
        }
    }

    private async Task SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(ManagementUrl, path)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}")));
        using var response = await s_http.SendAsync(request);
        if (!(method == HttpMethod.Delete && response.StatusCode == System.Net.HttpStatusCode.NotFound))
        {
            response.EnsureSuccessStatusCode();
        }
    }
}

public sealed class AppHostMailDev(DistributedApplication app, string connectionString, Uri webUrl) : AppHostServer(app, "mail")
{
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The notifier's ConnectionStrings:mail, Endpoint=smtp://host:port, as the AppHost hands it over.</summary>
    public string ConnectionString { get; } = connectionString;

    /// <summary>MailDev's inbox and its REST API.</summary>
    public Uri WebUrl { get; } = webUrl;

    public async Task DeleteAllEmailsAsync()
    {
        using var response = await s_http.DeleteAsync(new Uri(WebUrl, "email/all"));
        response.EnsureSuccessStatusCode();
    }

    public override Task<bool> IsAnsweringAsync() => AnswersGetAsync(new Uri(WebUrl, "healthz"));
}
