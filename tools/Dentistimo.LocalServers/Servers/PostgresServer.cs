using System.Text.RegularExpressions;
using Dentistimo.LocalServers.Infrastructure;

namespace Dentistimo.LocalServers;

/// <summary>PostgreSQL 15 from Debian, in a cluster of its own under the state folder, run as the postgres user.</summary>
public sealed partial class PostgresServer : LocalServer
{
    internal const string Binaries = "/usr/lib/postgresql/15/bin";

    // Our settings live in a file of their own, rewritten at every start and included last by postgresql.conf, so a
    // cluster made by an older version of this class, or restored from another server's base backup, gets them too.
    private const string SettingsFileName = "dentistimo.conf";

    internal PostgresServer(ServerContext context) : base(context, "PostgreSQL", 5532, "postgres")
    {
    }

    public string Username => "postgres";

    public string Password => "dentistimo";

    public override string LogFile => Path.Combine(Folder, "postgres.log");

    internal string DataDirectory => Path.Combine(Folder, "data");

    /// <summary>Whether the data directory holds a cluster, which initdb makes at the first start.</summary>
    internal bool HasCluster => File.Exists(Path.Combine(DataDirectory, "PG_VERSION"));

    /// <summary>An Npgsql connection string, as Aspire hands to services.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={Username};Password={Password};Database={database}";

    /// <summary>Creates an empty database, replacing any of that name, and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        await RunSqlAsync(ct, $"DROP DATABASE IF EXISTS {Quoted(name)} WITH (FORCE)", $"CREATE DATABASE {Quoted(name)}");
        return ConnectionString(name);
    }

    /// <summary>Drops the database if it exists, disconnecting whoever is still using it.</summary>
    public Task DropDatabaseAsync(string name, CancellationToken ct = default) =>
        RunSqlAsync(ct, $"DROP DATABASE IF EXISTS {Quoted(name)} WITH (FORCE)");

    public override Task<bool> IsAnsweringAsync(CancellationToken ct = default) =>
        File.Exists($"{Binaries}/pg_isready")
            ? Command.SucceedsAsync(new($"{Binaries}/pg_isready", ["--quiet", "--host=127.0.0.1", $"--port={Port}", $"--username={Username}", "--timeout=2"]), ct)
            : Task.FromResult(false);

    internal override IReadOnlyList<SystemPackage> RequiredPackages => [new("postgresql-15", $"{Binaries}/pg_ctl")];

    private protected override (string Path, string CommandFragment) PidFile => (Path.Combine(DataDirectory, "postmaster.pid"), "postgres");

    /// <summary>
    /// A PostgreSQL client program (psql, pg_dump, pg_restore, pg_basebackup) with its arguments, connected to this
    /// server as the superuser.
    /// </summary>
    internal Command Client(string program, IEnumerable<string> arguments) =>
        new($"{Binaries}/{program}", ["--host=127.0.0.1", $"--port={Port}", $"--username={Username}", "--no-password", .. arguments])
        {
            Environment = new Dictionary<string, string> { ["PGPASSWORD"] = Password },
        };

    private protected override async Task LaunchAsync(CancellationToken ct)
    {
        var account = ServiceAccount.ToRunAs("postgres");
        await ServiceAccount.EnsureOwnedDirectoryAsync(Folder, account, Log, ct);
        if (!HasCluster)
        {
            await CreateClusterAsync(account, ct);
        }

        if (!IsRunning)
        {
            // Left by a crash or reboot; postgres refuses to start if its pid now belongs to some other process.
            File.Delete(PidFile.Path);
        }

        await WriteSettingsAsync(account, ct);

        // pg_ctl puts the server in a session of its own, so it outlives whoever started it.
        await Command.RunAsync(
            new($"{Binaries}/pg_ctl", ["start", $"--pgdata={DataDirectory}", $"--log={LogFile}", "--wait", "--timeout=60", "--silent"]) { User = account },
            ct, TimeSpan.FromSeconds(90));
    }

    private protected override Task StopProcessAsync(bool abrupt, CancellationToken ct) =>
        // "fast" rolls back and disconnects clients ("smart" would wait for the services' connection pools to close);
        // "immediate" quits without a checkpoint, like a crash, and the next start recovers from the WAL.
        Command.RunAsync(
            new($"{Binaries}/pg_ctl", ["stop", $"--pgdata={DataDirectory}", $"--mode={(abrupt ? "immediate" : "fast")}", "--wait", "--timeout=60", "--silent"])
            {
                User = ServiceAccount.ToRunAs("postgres"),
            },
            ct, TimeSpan.FromSeconds(90));

    private async Task CreateClusterAsync(ServiceAccount? account, CancellationToken ct)
    {
        Log($"Creating a PostgreSQL cluster in {DataDirectory}...");
        // initdb writes into a side folder that is renamed when complete, so a half-made cluster is never taken for a real one.
        var staging = DataDirectory + ".initdb";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        var passwordFile = Path.Combine(Folder, "initdb.password");
        File.WriteAllText(passwordFile, Password);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            await ServiceAccount.EnsureOwnedDirectoryAsync(Folder, account, Log, ct);
            await Command.RunAsync(
                new($"{Binaries}/initdb",
                    [$"--pgdata={staging}", $"--username={Username}", $"--pwfile={passwordFile}", "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"])
                {
                    User = account,
                },
                ct);
        }
        finally
        {
            File.Delete(passwordFile);
        }

        Directory.Move(staging, DataDirectory);
    }

    /// <summary>
    /// Writes our settings into the data directory and makes postgresql.conf include them. Written at every start, so
    /// they follow this class: the port of whichever server starts on a restored data directory.
    /// </summary>
    private async Task WriteSettingsAsync(ServiceAccount? account, CancellationToken ct)
    {
        var settings = Path.Combine(DataDirectory, SettingsFileName);
        await File.WriteAllTextAsync(settings, $"""
            # Dentistimo's local server, written by Dentistimo.LocalServers at every start: edits here are lost.
            port = {Port}
            listen_addresses = '127.0.0.1'
            unix_socket_directories = ''  # TCP only: /var/run/postgresql exists only while Debian's own cluster is set up
            max_connections = 300         # three services and parallel test runs, each with a connection pool
            fsync = off                   # throwaway data, faster tests; even an immediate stop keeps what the OS was given
            # An error's DETAIL quotes the key a unique index refused, and one index's key is a patient's email address
            # (one appointment per patient and time): terse leaves DETAIL, HINT and CONTEXT out of the log.
            log_error_verbosity = terse

            """, ct);

        var mainSettings = Path.Combine(DataDirectory, "postgresql.conf");
        var include = $"include '{SettingsFileName}'";
        if (!(await File.ReadAllLinesAsync(mainSettings, ct)).Contains(include))
        {
            await File.AppendAllTextAsync(mainSettings, $"\n# Dentistimo's settings, last so that they win\n{include}\n", ct);
        }

        // Written by us, maybe as root with a strict umask: the server only needs to read it.
        File.SetUnixFileMode(settings, (UnixFileMode)Convert.ToInt32("644", 8));
    }

    // Plain names only: nothing can break out of the quotes, and the name reads the same in a connection string.
    private static string Quoted(string database) =>
        DatabaseName().IsMatch(database)
            ? $"\"{database}\""
            : throw new ArgumentException($"'{database}' is not a plain database name (letters, digits, '_' and '-', at most 63).", nameof(database));

    internal Task RunSqlAsync(CancellationToken ct, params string[] statements)
    {
        // Each -c runs on its own: CREATE DATABASE cannot share a transaction with anything.
        return Command.RunAsync(
            Client("psql", ["--dbname=postgres", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", .. statements.SelectMany(statement => new[] { "--command", statement })]),
            ct);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,63}$")]
    private static partial Regex DatabaseName();
}
