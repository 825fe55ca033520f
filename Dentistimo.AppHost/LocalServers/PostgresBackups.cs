using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Dentistimo.AppHost.LocalServers;

/// <summary>
/// Backups of a <see cref="LocalPostgresResource"/>, in its backups folder. Each backup holds a logical dump
/// (pg_dump -Fc) of each of the server's databases, to restore a database on its own, and a base backup of the whole
/// cluster (pg_basebackup), which with the WAL the server archives continuously (scripts/archive-wal.sh) restores the
/// cluster as it was at any moment since. One backup or restore runs at a time.
/// <code>
/// backups/postgres/
///   wal/&lt;system identifier&gt;/   the server's WAL archive, one folder per cluster
///   2026-11-22T04-00-00Z/        a backup: backup.json, bookingdb.dump, notifierdb.dump, base/
/// </code>
/// </summary>
public sealed class PostgresBackups(
    LocalPostgresResource postgres,
    ResourceCommandService commands,
    ResourceNotificationService notifications,
    DistributedApplicationModel model,
    TimeProvider time,
    ILogger log)
{
    /// <summary>Names the newest backup, or for a point-in-time restore the newest that can recover to the time asked.</summary>
    public const string Latest = "latest";

    private const string ManifestFileName = "backup.json";
    private const string NameFormat = "yyyy-MM-dd'T'HH-mm-ss'Z'";
    private const string Binaries = "/usr/lib/postgresql/15/bin";
    private const string KeepingMarker = ".base-backup-taken"; // read by scripts/archive-wal.sh

    // Read by people too, and never embedded in HTML: no escaping beyond what JSON needs.
    private static readonly JsonSerializerOptions s_manifestOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // Generous: the tools' own speed is the limit, and a real cluster takes minutes.
    private static readonly TimeSpan s_toolTimeout = TimeSpan.FromMinutes(30);

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public string Folder => postgres.BackupsDirectory;

    /// <summary>The complete backups, oldest first. A backup that died half-way is not one.</summary>
    public IReadOnlyList<PostgresBackup> List() =>
        !Directory.Exists(Folder)
            ? []
            : Directory.EnumerateDirectories(Folder)
                .Where(folder => File.Exists(Path.Combine(folder, ManifestFileName)))
                .Select(ReadManifest)
                .OrderBy(backup => backup.StartedAt)
                .ToList();

    /// <summary>
    /// The backup named <paramref name="name"/>; with <see cref="Latest"/>, the newest that can recover to
    /// <paramref name="recoverTo"/> (null: the newest).
    /// </summary>
    public PostgresBackup? Find(string name, DateTimeOffset? recoverTo = null) =>
        name == Latest
            ? List().LastOrDefault(backup => backup.CanRecoverTo(recoverTo))
            : List().SingleOrDefault(backup => backup.Name == name);

    /// <summary>When the newest WAL segment of any cluster reached the archive: a recovery reaches changes until about then.</summary>
    public DateTimeOffset? LastArchivedAt() =>
        Directory.Exists(WalArchivesFolder)
            ? Directory.EnumerateFiles(WalArchivesFolder, "*.zst", SearchOption.AllDirectories)
                .Select(file => (DateTimeOffset?)File.GetLastWriteTimeUtc(file)).Max()
            : null;

    /// <summary>
    /// Dumps the server's databases, takes a base backup of the cluster, and then deletes all but the newest
    /// <paramref name="keep"/> backups and the archived WAL that none of those needs.
    /// </summary>
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

            // Written into a side folder that is renamed when complete, so a backup cut short is never listed or restored.
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
            // From now on the archive keeps every segment: a recovery from this base backup replays them.
            await File.WriteAllTextAsync(Path.Combine(WalArchiveFolder(systemIdentifier), KeepingMarker), "", ct);
            // A fast checkpoint starts the copy at once instead of after the next scheduled one; the WAL written meanwhile
            // is streamed into pg_wal.tar.gz, so the base backup restores on its own, without the archive.
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

    /// <summary>
    /// Restores each database of <paramref name="backup"/> from its dump. A database of that name already there is not
    /// dropped but renamed aside; the new names are returned. The resources using the server are stopped meanwhile.
    /// </summary>
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

    /// <summary>
    /// Makes the server hold the whole cluster as it was at <paramref name="target"/>: a data directory from the base
    /// backup of <paramref name="backup"/>, with the archived WAL replayed up to the last transaction committed at or
    /// before that time (null: all of it). The server is stopped, its data directory kept beside the new one, and
    /// started again, promoted to a new timeline that accepts writes. The resources using it are stopped meanwhile.
    /// </summary>
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
            // Recovery is over: its settings would only confuse whoever reads the configuration next (they are read only
            // at a start, so no reload).
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

    /// <summary>The cluster's, chosen by initdb and kept by every copy restored from its backups; it names the cluster's WAL archive.</summary>
    private async Task<string> SystemIdentifierAsync(CancellationToken ct) =>
        (await QueryAsync<long>("SELECT system_identifier FROM pg_control_system()", ct)).ToString(CultureInfo.InvariantCulture);

    // Created by scripts/postgres.sh for the cluster it starts.
    private string WalArchiveFolder(string systemIdentifier) => Path.Combine(WalArchivesFolder, systemIdentifier);

    /// <summary>
    /// Closes the server's current WAL segment and waits until it is archived, so that everything committed so far can
    /// be recovered to, rather than only what archive_timeout has sent to the archive by now.
    /// </summary>
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

    /// <summary>
    /// The base backup unpacked into a side folder of the data directory, set to recover up to <paramref name="target"/>:
    /// recovery.signal, and the target in postgresql.auto.conf (scripts/postgres.sh gives the restore_command).
    /// </summary>
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

    /// <summary>
    /// Waits until the server, started in archive recovery, has replayed the WAL up to its target and been promoted to a
    /// primary that accepts writes; fails at once if it exits instead (a target beyond the archived WAL, say).
    /// </summary>
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

    /// <summary>Keeps the newest <paramref name="keep"/> backups, and of the WAL archive what a recovery from one of them needs.</summary>
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

    /// <summary>The WAL range of the base backup in <paramref name="folder"/>, from pg_basebackup's backup_manifest.</summary>
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

    /// <summary>The running resources that use the server (by reference or by waiting for it), stopped; returned to start them again.</summary>
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

    /// <summary>Stops each of <paramref name="resources"/> as the dashboard's button does, and waits until it has.</summary>
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

    /// <summary>A PostgreSQL client program (pg_dump, pg_restore, pg_basebackup), connected to the server as the superuser.</summary>
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
