using Dentistimo.LocalServers.Infrastructure;

namespace Dentistimo.LocalServers;

/// <summary>
/// The four servers Dentistimo needs, run for real on 127.0.0.1 with their files in one state folder
/// (the repository's git-ignored .local/ unless told otherwise). Safe to use from several processes at once.
/// </summary>
public sealed class LocalServerSet
{
    /// <summary>Environment variable that moves the state folder away from the repository's .local/.</summary>
    public const string StateDirectoryVariable = "DENTISTIMO_STATE_DIR";

    private readonly ServerContext _context;

    private LocalServerSet(ServerContext context)
    {
        _context = context;
        Postgres = new PostgresServer(context);
        Redis = new RedisServer(context);
        RabbitMq = new RabbitMqServer(context);
        MailDev = new MailDevServer(context);
    }

    /// <param name="stateDirectory">Where the servers keep their files; by default $DENTISTIMO_STATE_DIR, else .local/ in the repository.</param>
    /// <param name="log">Receives progress lines (installing, starting, waiting); the console by default.</param>
    /// <param name="portOffset">
    /// Added to every server's port. A set with its own state folder and offset is independent of the shared one:
    /// tests that crash servers use one, so that the servers other tests and the launcher share stay up.
    /// </param>
    public static LocalServerSet ForRepository(string? stateDirectory = null, Action<string>? log = null, int portOffset = 0)
    {
        stateDirectory ??= Environment.GetEnvironmentVariable(StateDirectoryVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Path.Combine(Repository.FindRoot(), ".local");
        return new LocalServerSet(new ServerContext(Path.GetFullPath(stateDirectory), log ?? Console.WriteLine, portOffset));
    }

    public string StateDirectory => _context.StateDirectory;

    internal Action<string> Log => _context.Log;

    public PostgresServer Postgres { get; }

    public RedisServer Redis { get; }

    public RabbitMqServer RabbitMq { get; }

    public MailDevServer MailDev { get; }

    public IReadOnlyList<LocalServer> All => [Postgres, Redis, RabbitMq, MailDev];

    /// <summary>Installs whatever is missing and starts every server not already answering; returns once all answer.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        var answering = await Task.WhenAll(All.Select(server => server.IsAnsweringAsync(ct)));
        var toStart = All.Where((_, i) => !answering[i]).ToList();
        // One apt-get run for all of them, rather than one per server.
        await SystemPackages.EnsureInstalledAsync(toStart.SelectMany(server => server.RequiredPackages), StateDirectory, _context.Log, ct);
        await WhenAllAsync(toStart.Select(server => server.StartAsync(ct)));
    }

    /// <summary>
    /// Takes this set for the caller alone until the result is disposed, waiting while another process has it: for runs
    /// that stop and kill the set's servers on purpose (the fault-injection tests), which nobody else may use meanwhile.
    /// The lock dies with its holder, so a crashed run never leaves the set taken.
    /// </summary>
    /// <param name="purpose">What the holder does, for the line a waiting process logs.</param>
    public async Task<IDisposable> AcquireExclusiveUseAsync(string purpose, TimeSpan timeout, CancellationToken ct = default) =>
        await FileLock.AcquireAsync(Path.Combine(StateDirectory, "locks", "exclusive-use.lock"), purpose, timeout, _context.Log, ct);

    /// <summary>Stops, gracefully, every server started from this state folder.</summary>
    public Task StopAsync(CancellationToken ct = default) => WhenAllAsync(All.Select(server => server.StopAsync(ct)));

    // Reports every server that failed, not only the first.
    private static async Task WhenAllAsync(IEnumerable<Task> tasks)
    {
        var all = Task.WhenAll(tasks);
        try
        {
            await all;
        }
        catch when (all.Exception is { InnerExceptions.Count: > 1 } failures)
        {
            throw failures;
        }
    }
}
