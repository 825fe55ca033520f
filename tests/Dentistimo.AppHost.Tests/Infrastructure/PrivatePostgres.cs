using Dentistimo.LocalServers;

namespace Dentistimo.AppHost.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of a test's own, with a state folder (under the shared one's private-servers/) and a port of
/// its own, for tests that crash a server or restore into one: the shared server stays untouched. It is created but not
/// started. Disposing stops it and deletes its folder, backups and WAL archive included.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    // PostgreSQL on 8532-8731, clear of every port of the shared servers (offset 0), the fault-injection ones (offset
    // 300) and the services of the launcher, the benchmarks and the tests, even while one of those is briefly down.
    private const int LowestPortOffset = 3000;
    private const int PortOffsets = 200;
    private static readonly int s_sharedPort = LocalServerSet.ForRepository().Postgres.Port;
    private static readonly HashSet<int> s_usedPortOffsets = [];

    private readonly Action<string> _log;

    private PrivatePostgres(string stateDirectory, int portOffset, Action<string> log)
    {
        StateDirectory = stateDirectory;
        _log = log;
        Server = LocalServerSet.ForRepository(stateDirectory, log, portOffset).Postgres;
    }

    public PostgresServer Server { get; }

    public string StateDirectory { get; }

    private string Name => Path.GetFileName(StateDirectory);

    /// <param name="name">Names its state folder, for whoever looks at a test left running.</param>
    /// <param name="log">
    /// Receives the server's progress lines (installing, starting, backing up, restoring) and, when it is disposed, the
    /// end of its own log, which goes with its folder: a failed test's output is all that is left of it.
    /// </param>
    public static PrivatePostgres Create(string name, Action<string> log)
    {
        var stateDirectory = Path.Combine(LocalServerSet.ForRepository().StateDirectory, "private-servers", $"{name}-{Guid.NewGuid():N}");
        return new PrivatePostgres(stateDirectory, ClaimFreePortOffset(), log);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.KillAsync();
        if (File.Exists(Server.LogFile))
        {
            _log($"The end of {Name}'s log:\n{string.Join('\n', File.ReadLines(Server.LogFile).TakeLast(40))}");
        }

        Directory.Delete(StateDirectory, recursive: true);
    }

    // Not yet started servers hold no port, so offsets handed out in this process are remembered; another test run
    // choosing the same one at the same moment is unlikely, since the search starts at a random offset. An offset is
    // never handed out twice in a process: Npgsql's pool for the same connection string would still hold connections
    // to the earlier server on that port, and a test's first query on one of them fails with "end of stream".
    private static int ClaimFreePortOffset()
    {
        var first = Random.Shared.Next(PortOffsets);
        lock (s_usedPortOffsets)
        {
            for (var i = 0; i < PortOffsets; i++)
            {
                var offset = LowestPortOffset + (first + i) % PortOffsets;
                if (Ports.IsFree(s_sharedPort + offset) && s_usedPortOffsets.Add(offset))
                {
                    return offset;
                }
            }
        }

        throw new InvalidOperationException($"No free port for PostgreSQL from {s_sharedPort + LowestPortOffset} to {s_sharedPort + LowestPortOffset + PortOffsets - 1}.");
    }
}
