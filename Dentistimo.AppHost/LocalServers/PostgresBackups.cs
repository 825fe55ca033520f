using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Dentistimo.AppHost.LocalServers;

// A dump per database, to restore one on its own, and a base backup that with the archived WAL restores the cluster to
// any moment since; layout and commands in docs/operations.md#backups-and-restore.
public sealed class PostgresBackups(
    LocalPostgresResource postgres,
    ResourceCommandService commands,
    ResourceNotificationService notifications,
    DistributedApplicationModel model,
    TimeProvider time,
    ILogger log)
{
    public const string Latest = "latest";

    private const string ManifestFileName = "backup.json";
    private const string NameFormat = "yyyy-MM-dd'T'HH-mm-ss'Z'";
    private const string Binaries = "/usr/lib/postgresql/15/bin";
    private const string KeepingMarker = ".base-backup-taken"; // scripts/archive-wal.sh keeps WAL once it exists

    // Read by people too, never embedded in HTML.
    private static readonly JsonSerializerOptions s_manifestOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly TimeSpan s_toolTimeout = TimeSpan.FromMinutes(30);

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public string Folder => postgres.BackupsDirectory;

    public IReadOnlyList<PostgresBackup> List() =>
        !Directory.Exists(Folder)
            ? []
            : Directory.EnumerateDirectories(Folder)
                .Where(folder => File.Exists(Path.Combine(folder, ManifestFileName)))
                .Select(ReadManifest)
                .OrderBy(backup => backup.StartedAt)
                .ToList();

    // Latest: the newest backup that can recover to recoverTo.
    public PostgresBackup? Find(string name, DateTimeOffset? recoverTo = null) =>
        name == Latest
            ? List().LastOrDefault(backup => backup.CanRecoverTo(recoverTo))
            : List().SingleOrDefault(backup => backup.Name == name);

    public DateTimeOffset? LastArchivedAt() =>
        Directory.Exists(WalArchivesFolder)
            ? Directory.EnumerateFiles(WalArchivesFolder, "*.zst", SearchOption.AllDirectories)
                .Select(file => (DateTimeOffset?)File.GetLastWriteTimeUtc(file)).Max()
            : null;

    public async Task<PostgresBackup> BackUpAsync(int keep, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        await _oneAtATime.WaitAsync(ct);
        try
        {
            var took = time.GetTimestamp();
            var startedAt = time.GetUtcNow();
            var name = startedAt.ToString(NameFormat, CultureInfo.InvariantCulture);
            var folder = Path.Combine(Folder, name);
            if (Directory.Exists(folder))
            {
                throw new InvalidOperationException($"A backup named {name} already exists in {Folder}.");
            }

            // Renamed when complete, so a backup cut short is never listed or restored.
            var staging = Path.Combine(Folder, $".{name}.partial");
            foreach (var unfinished in Directory.Exists(Folder) ? Directory.EnumerateDirectories(Folder, ".*.partial") : [])
            {
                Directory.Delete(unfinished, recursive: true);
            }

            CreatePrivateDirectory(staging);
            var existing = await ListDatabasesAsync(ct);
            var dumped = postgres.Databases.Select(database => database.Name).Where(existing.Contains).ToList();
            foreach (var database in dumped)
            {
                await RunClientAsync("pg_dump", ["--format=custom", $"--file={Path.Combine(staging, $"{database}.dump")}", $"--dbname={database}"], ct);
            }

            var systemIdentifier = await SystemIdentifierAsync(ct);
            await File.WriteAllTextAsync(Path.Combine(WalArchiveFolder(systemIdentifier), KeepingMarker), "", ct);
            // The WAL written meanwhile goes into pg_wal.tar.gz, so the base backup restores without the archive.
            var baseBackupFolder = Path.Combine(staging, "base");
            await RunClientAsync("pg_basebackup",
                [$"--pgdata={baseBackupFolder}", "--format=tar", "--gzip", "--wal-method=stream", "--checkpoint=fast", $"--label=dentistimo {name}"], ct);

            var backup = new PostgresBackup(
                name,
                startedAt,
                FinishedAt: time.GetUtcNow(),
                await QueryAsync<string>("SHOW server_version", ct),
                dumped,
                await ReadBaseBackupAsync(baseBackupFolder, systemIdentifier, ct));
            await File.WriteAllTextAsync(Path.Combine(staging, ManifestFileName), JsonSerializer.Serialize(backup, s_manifestOptions), ct);
            Directory.Move(staging, folder);
            log.LogInformation("Backed up {Databases} and the whole cluster to {Folder} ({Megabytes} MB, {Seconds:0.0} s).",
                string.Join(", ", dumped), folder, Megabytes(folder), time.GetElapsedTime(took).TotalSeconds);

            await PruneAsync(keep, ct);
            return backup with { Folder = folder };
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    // Databases already there are renamed aside, not dropped; returns their new names.
    public async Task<IReadOnlyList<string>> RestoreDatabasesAsync(PostgresBackup backup, CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct);
        try
        {
            var stopped = await StopDependentsAsync(ct);
            var existing = await ListDatabasesAsync(ct);
            var restoredAt = time.GetUtcNow();
            var renamed = new List<string>();
            foreach (var database in backup.Databases)
            {
                if (existing.Contains(database))
                {
                    var aside = $"{database}_before_restore_{restoredAt:yyyyMMddHHmmss}";
                    // Closed to new connections first, or a health check could connect between the terminate and the rename.
                    await ExecuteAsync(ct,
                        $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false",
                        $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'",
                        $"ALTER DATABASE \"{database}\" RENAME TO \"{aside}\"",
                        $"ALTER DATABASE \"{aside}\" ALLOW_CONNECTIONS true");
                    renamed.Add(aside);
                    log.LogInformation("Kept the current {Database} as {Aside}; drop it once the restore is checked.", database, aside);
                }

                await RunClientAsync("pg_restore", ["--create", "--exit-on-error", "--dbname=postgres", backup.DumpFile(database)], ct);
                log.LogInformation("Restored {Database} from backup {Backup}.", database, backup.Name);
            }

            await StartAsync(stopped, ct);
            return renamed;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    // Point-in-time recovery to target (null: the archive's end); the replaced data directory is kept beside.
    public async Task RestoreClusterAsync(PostgresBackup backup, DateTimeOffset? target, CancellationToken ct)
    {
        if (!backup.CanRecoverTo(target) || target > time.GetUtcNow())
        {
            throw new ArgumentOutOfRangeException(nameof(target), target,
                $"Backup {backup.Name} recovers to times from {backup.FinishedAt:u} (when it finished) until now; choose an older backup for earlier times.");
        }

        await _oneAtATime.WaitAsync(ct);
        try
        {
            var stopped = await StopDependentsAsync(ct);
            if (IsRunning(postgres) && await SystemIdentifierAsync(ct) == backup.BaseBackup.SystemIdentifier)
            {
                // What the server wrote since archive_timeout last closed a segment reaches the archive before it stops.
                await ArchiveCurrentWalAsync(backup.BaseBackup.SystemIdentifier, ct);
            }

            var targetText = target is null ? "the end of its WAL archive" : $"{target:O}";
            log.LogInformation("Restoring the cluster from backup {Backup} and the WAL archive to {Target}...", backup.Name, targetText);
            if (IsRunning(postgres))
            {
                await StopAsync([postgres], ct);
            }

            var staging = await StageDataDirectoryAsync(backup, target, ct);
            if (Directory.Exists(postgres.DataDirectory))
            {
                var aside = $"{postgres.DataDirectory}.replaced-{time.GetUtcNow():yyyyMMddHHmmss}";
                Directory.Move(postgres.DataDirectory, aside);
                log.LogInformation("Kept the replaced data directory as {Aside}; delete it once the restore is checked.", aside);
            }

            Directory.Move(staging, postgres.DataDirectory);
            await StartAsync([postgres], ct);
            await WaitUntilPromotedAsync(ct);
            // Recovery is over; its settings are read only at a start, so resetting them needs no reload.
            await ExecuteAsync(ct, "ALTER SYSTEM RESET recovery_target_time", "ALTER SYSTEM RESET recovery_target_action");
            log.LogInformation("The server now holds the cluster as it was at {Target}, and accepts writes.", targetText);
            await StartAsync(stopped, ct);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private string WalArchivesFolder => Path.Combine(Folder, "wal");

    // Chosen by initdb and kept by every restored copy, so it names the cluster's WAL archive.
    private async Task<string> SystemIdentifierAsync(CancellationToken ct) =>
        (await QueryAsync<long>("SELECT system_identifier FROM pg_control_system()", ct)).ToString(CultureInfo.InvariantCulture);

    private string WalArchiveFolder(string systemIdentifier) => Path.Combine(WalArchivesFolder, systemIdentifier);

    // So that a recovery reaches everything committed, not only what archive_timeout has sent so far.
    private async Task ArchiveCurrentWalAsync(string systemIdentifier, CancellationToken ct)
    {
        // On a segment boundary pg_walfile_name names the segment just completed, which is what pg_switch_wal returns.
        var segment = await QueryAsync<string>("SELECT pg_walfile_name(pg_switch_wal())", ct);
        var archived = Path.Combine(WalArchiveFolder(systemIdentifier), $"{segment}.zst");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        while (!File.Exists(archived))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, timeout.Token);
        }
    }

    // scripts/postgres.sh gives the restore_command; recovery.signal starts the recovery.
    private async Task<string> StageDataDirectoryAsync(PostgresBackup backup, DateTimeOffset? target, CancellationToken ct)
    {
        var staging = postgres.DataDirectory + ".restoring";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        // PostgreSQL refuses a data directory that others may read.
        CreatePrivateDirectory(staging);
        await RunAsync("tar", ["--extract", "--gzip", $"--file={Path.Combine(backup.BaseBackupFolder, "base.tar.gz")}", $"--directory={staging}"], ct);
        await RunAsync("tar", ["--extract", "--gzip", $"--file={Path.Combine(backup.BaseBackupFolder, "pg_wal.tar.gz")}", $"--directory={Path.Combine(staging, "pg_wal")}"], ct);
        // Without a target, recovery replays the whole archive and then promotes on its own.
        if (target is { } recoverTo)
        {
            var utc = recoverTo.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture); // what commit records carry
            await File.AppendAllLinesAsync(Path.Combine(staging, "postgresql.auto.conf"),
                ["", "# Point-in-time recovery, reset once the server is promoted", $"recovery_target_time = '{utc}+00'", "recovery_target_action = 'promote'"], ct);
        }

        await File.WriteAllTextAsync(Path.Combine(staging, "recovery.signal"), "", ct);
        await RunAsync("chown", ["--recursive", "postgres:postgres", staging], ct);
        return staging;
    }

    // Fails at once if the server exits instead of promoting (a target beyond the archived WAL, say).
    private async Task WaitUntilPromotedAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(30));
        while (true)
        {
            if (notifications.TryGetCurrentState(postgres.Name, out var state) && KnownResourceStates.TerminalStates.Contains(state.Snapshot.State?.Text))
            {
                throw new InvalidOperationException("PostgreSQL stopped during the recovery; its log says why.");
            }

            try
            {
                if (!await QueryAsync<bool>("SELECT pg_is_in_recovery()", timeout.Token))
                {
                    return;
                }
            }
            catch (NpgsqlException)
            {
                // Not accepting connections yet.
            }

            await Task.Delay(TimeSpan.FromSeconds(1), time, timeout.Token);
        }
    }

    private async Task PruneAsync(int keep, CancellationToken ct)
    {
        var backups = List();
        foreach (var old in backups.SkipLast(keep))
        {
            Directory.Delete(old.Folder, recursive: true);
            log.LogInformation("Deleted backup {Backup} (keeping the newest {Keep}).", old.Name, keep);
        }

        var kept = backups.TakeLast(keep).ToList();
        foreach (var archive in Directory.EnumerateDirectories(WalArchivesFolder))
        {
            var oldest = kept.FirstOrDefault(backup => backup.BaseBackup.SystemIdentifier == Path.GetFileName(archive));
            if (oldest is null)
            {
                // A cluster since replaced by a new one (initdb): nothing kept can recover from its WAL.
                Directory.Delete(archive, recursive: true);
                log.LogInformation("Deleted the WAL archive {Archive}, which no kept backup needs.", archive);
            }
            else
            {
                await RunAsync($"{Binaries}/pg_archivecleanup", ["-x", ".zst", archive, oldest.BaseBackup.StartWalFile], ct);
            }
        }
    }

    private async Task<PostgresBaseBackup> ReadBaseBackupAsync(string folder, string systemIdentifier, CancellationToken ct)
    {
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "backup_manifest"), ct));
        var range = manifest.RootElement.GetProperty("WAL-Ranges")[0];
        var startLsn = range.GetProperty("Start-LSN").GetString()!;
        return new PostgresBaseBackup(
            systemIdentifier,
            range.GetProperty("Timeline").GetInt32(),
            startLsn,
            range.GetProperty("End-LSN").GetString()!,
            StartWalFile: await QueryAsync<string>($"SELECT pg_walfile_name('{startLsn}'::pg_lsn)", ct));
    }

    // Returned to be started again after the restore.
    private async Task<IReadOnlyList<IResource>> StopDependentsAsync(CancellationToken ct)
    {
        IResource[] server = [postgres, .. postgres.Databases];
        var dependents = model.Resources
            .Where(resource => !server.Contains(resource) && IsRunning(resource))
            .Where(resource =>
                resource.Annotations.OfType<ResourceRelationshipAnnotation>().Any(relation => server.Contains(relation.Resource)) ||
                resource.Annotations.OfType<WaitAnnotation>().Any(wait => server.Contains(wait.Resource)))
            .ToList();
        if (dependents.Count > 0)
        {
            log.LogInformation("Stopping {Resources} until the restore is done.", string.Join(", ", dependents.Select(resource => resource.Name)));
        }

        await StopAsync(dependents, ct);
        return dependents;
    }

    private bool IsRunning(IResource resource) =>
        notifications.TryGetCurrentState(resource.Name, out var state) && state.Snapshot.State?.Text == KnownResourceStates.Running;

    private async Task StopAsync(IReadOnlyList<IResource> resources, CancellationToken ct)
    {
        foreach (var resource in resources)
        {
            await RunCommandAsync(resource, KnownResourceCommands.StopCommand, ct);
            await notifications.WaitForResourceAsync(
                resource.Name, change => KnownResourceStates.TerminalStates.Contains(change.Snapshot.State?.Text), ct);
        }
    }

    private async Task StartAsync(IReadOnlyList<IResource> resources, CancellationToken ct)
    {
        foreach (var resource in resources)
        {
            await RunCommandAsync(resource, KnownResourceCommands.StartCommand, ct);
        }
    }

    private async Task RunCommandAsync(IResource resource, string command, CancellationToken ct)
    {
        var result = await commands.ExecuteCommandAsync(resource, command, ct);
        if (!result.Success)
        {
            throw new InvalidOperationException($"The {command} command failed on {resource.Name}: {result.Message}");
        }
    }

    private async Task<IReadOnlySet<string>> ListDatabasesAsync(CancellationToken ct)
    {
        await using var dataSource = await AdministrationDataSourceAsync(ct);
        await using var command = dataSource.CreateCommand("SELECT datname FROM pg_database");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var names = new HashSet<string>();
        while (await reader.ReadAsync(ct))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private async Task<T> QueryAsync<T>(string sql, CancellationToken ct)
    {
        await using var dataSource = await AdministrationDataSourceAsync(ct);
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(ct) ?? throw new InvalidOperationException($"No result from: {sql}"));
    }

    // Each on its own: ALTER SYSTEM and ALTER DATABASE cannot run in a transaction block.
    private async Task ExecuteAsync(CancellationToken ct, params string[] statements)
    {
        await using var dataSource = await AdministrationDataSourceAsync(ct);
        foreach (var statement in statements)
        {
            await using var command = dataSource.CreateCommand(statement);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    // Unpooled: the server may be stopped next, and no idle connection should keep it waiting.
    private async Task<NpgsqlDataSource> AdministrationDataSourceAsync(CancellationToken ct) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(await postgres.ConnectionStringExpression.GetValueAsync(ct))
        {
            Database = "postgres",
            Pooling = false,
        }.ConnectionString);

    private async Task RunClientAsync(string program, IEnumerable<string> arguments, CancellationToken ct)
    {
        var server = new NpgsqlConnectionStringBuilder(await postgres.ConnectionStringExpression.GetValueAsync(ct));
        await RunAsync($"{Binaries}/{program}",
            [$"--host={server.Host}", $"--port={server.Port}", $"--username={server.Username}", "--no-password", .. arguments], ct,
            ("PGPASSWORD", server.Password ?? ""));
    }

    private static async Task RunAsync(string program, IEnumerable<string> arguments, CancellationToken ct, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(s_toolTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed (exit code {process.ExitCode}): {(await errors).Trim()}");
        }
    }

    private PostgresBackup ReadManifest(string folder) =>
        (JsonSerializer.Deserialize<PostgresBackup>(File.ReadAllText(Path.Combine(folder, ManifestFileName)), s_manifestOptions)
            ?? throw new InvalidOperationException($"{Path.Combine(folder, ManifestFileName)} is empty.")) with { Folder = folder };

    // Dumps hold patients' names and email addresses: only their owner may read them.
    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The local servers run on Linux.");
        }

        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static long Megabytes(string folder) =>
        new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(file => file.Length) / (1024 * 1024);
}
