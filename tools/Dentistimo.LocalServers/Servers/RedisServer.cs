using System.Net.Sockets;
using System.Text;
using Dentistimo.LocalServers.Infrastructure;

namespace Dentistimo.LocalServers;

/// <summary>Redis 7 from Debian with a configuration of its own; a cache, so nothing is persisted.</summary>
public sealed class RedisServer : LocalServer
{
    internal RedisServer(ServerContext context) : base(context, "Redis", 6380, "redis")
    {
    }

    /// <summary>A StackExchange.Redis configuration string, as Aspire hands to services.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public override string LogFile => Path.Combine(Folder, "redis.log");

    public override async Task<bool> IsAnsweringAsync(CancellationToken ct = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            // While loading, Redis accepts connections but answers "-LOADING".
            return (await CommandAsync("PING", timeout.Token)).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>One inline command ("PING", "CLIENT PAUSE 1000 ALL") on a connection of its own: the start of the reply.</summary>
    public async Task<string> CommandAsync(string command, CancellationToken ct = default)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port, ct);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{command}\r\n"), ct);
        var reply = new byte[64];
        var read = await stream.ReadAsync(reply, ct);
        return Encoding.ASCII.GetString(reply, 0, read);
    }

    internal override IReadOnlyList<SystemPackage> RequiredPackages => [new("redis-server", "/usr/bin/redis-server")];

    private protected override (string Path, string CommandFragment) PidFile => (Path.Combine(Folder, "redis.pid"), "redis-server");

    private protected override async Task LaunchAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var configFile = Path.Combine(Folder, "redis.conf");
        await File.WriteAllTextAsync(configFile, $"""
            # Dentistimo's local Redis, written by Dentistimo.LocalServers at every start
            bind 127.0.0.1
            port {Port}
            dir "{Folder}"
            # Started in the foreground of a detached session, which logs stdout and keeps the pid file.
            daemonize no
            logfile ""
            # A cache: nothing is worth saving, and saving forks the whole process.
            save ""
            appendonly no

            """, ct);
        await StartDaemonAsync(new("/usr/bin/redis-server", [configFile]), ct);
    }
}
