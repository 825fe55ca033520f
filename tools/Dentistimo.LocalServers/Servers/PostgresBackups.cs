using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dentistimo.LocalServers.Infrastructure;

namespace Dentistimo.LocalServers;

/// <summary>
/// Backups of a <see cref="PostgresServer"/>, in backups/postgres/ of its state folder. Each backup holds a logical dump
/// (pg_dump -Fc) of each Dentistimo database, to restore a database on its own into any server, and a base backup of the
/// whole cluster (pg_basebackup), which with the WAL the server archives continuously restores the cluster as it was at
/// any moment since. Backups, restores and pruning are serialized across processes.
/// <code>
/// backups/postgres/
///   wal/&lt;system identifier&gt;/   the server's WAL archive, one folder per cluster
///   2026-11-22T04-00-00Z/        a backup: backup.json, bookingdb.dump, notifierdb.dump, base/
/// </code>
/// </summary>
public sealed class PostgresBackups
{
    /// <summary>Backups kept by default: with one every 6 hours, two days to restore from, to any point in time.</summary>
    public const int DefaultKeep = 8;

    private const string ManifestFileName = "backup.json";
    private const string NameFormat = "yyyy-MM-dd'T'HH-mm-ss'Z'";

    // Read by people too, and never embedded in HTML: no escaping beyond what JSON needs.
    private static readonly JsonSerializerOptions s_manifestOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // Generous: the tools' own speed is the limit, and a real cluster takes minutes.
    private static readonly TimeSpan s_toolTimeout = TimeSpan.FromMinutes(30);

    private readonly PostgresServer _server;
    private readonly ServerContext _context;

    internal PostgresBackups(PostgresServer server, ServerContext context)
    {
        _server = server;
        _context = context;
        Folder = Path.Combine(context.StateDirectory, "backups", "postgres");
    }

    /// <summary>Where the backups and the WAL archive are.</summary>
    public string Folder { get; }

    /// <summary>The complete backups, oldest first. A backup that died half-way is not one.</summary>
    public IReadOnlyList<PostgresBackup> List() =>
        !Directory.Exists(Folder)
            ? []
            : Directory.EnumerateDirectories(Folder)
                .Where(folder => File.Exists(Path.Combine(folder, ManifestFileName)))
                .Select(ReadManifest)
                .OrderBy(backup => backup.StartedAt)
                .ToList();

    /// <summary>The backup named <paramref name="nameOrFolder"/> (its folder name, or a path to its folder), if it exists.</summary>
    public PostgresBackup? Find(string nameOrFolder)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(nameOrFolder));
        return List().SingleOrDefault(backup => backup.Name == name);
    }

    /// <summary>
    /// When the newest WAL segment of the server's cluster reached the archive, if any did: a point-in-time recovery
    /// can reach the changes made until about then.
    /// </summary>
    public async Task<DateTimeOffset?> LastArchivedAtAsync(CancellationToken ct = default) =>
        _server.HasCluster ? WalArchiveFor(await _server.SystemIdentifierAsync(ct)).LastArchivedAt : null;

    /// <summary>
    /// Dumps those of <paramref name="databases"/> that exist, takes a base backup of the cluster, and then deletes all but
    /// the newest <paramref name="keep"/> backups and the archived WAL that none of those needs.
    /// </summary>
    public async Task<PostgresBackup> BackUpAsync(IEnumerable<string> databases, int keep = DefaultKeep, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        using var backupLock = await LockAsync("backing up PostgreSQL", ct);
        var took = Stopwatch.StartNew();
        var startedAt = DateTimeOffset.UtcNow;
        var name = startedAt.ToString(NameFormat, CultureInfo.InvariantCulture);
        var folder = Path.Combine(Folder, name);
        if (Directory.Exists(folder))
        {
            throw new InvalidOperationException($"A backup named {name} already exists in {Folder}.");
        }

        // Written into a side folder that is renamed when complete, so a backup cut short is never listed or restored.
        var staging = Path.Combine(Folder, $".{name}.partial");
        DeleteUnfinishedBackups();
        CreatePrivateDirectory(staging);

        if (!await IsArchivingAsync(ct))
        {
            Log($"Warning: {_server.Name} runs without WAL archiving until its next start, so this backup restores to its own time only.");
        }

        var existing = await _server.ListDatabasesAsync(ct);
        var dumped = databases.Where(existing.Contains).Distinct().ToList();
        foreach (var database in dumped)
        {
            await Command.RunAsync(
                _server.Client("pg_dump", ["--format=custom", $"--file={Path.Combine(staging, $"{database}.dump")}", $"--dbname={database}"]),
                ct, s_toolTimeout);
        }

        var systemIdentifier = await _server.SystemIdentifierAsync(ct);
        WalArchiveFor(systemIdentifier).KeepFromNow();
        // A fast checkpoint starts the copy at once instead of after the next scheduled checkpoint; the WAL written
        // meanwhile is streamed into pg_wal.tar.gz, so the base backup restores on its own, without the archive.
        var baseBackupFolder = Path.Combine(staging, "base");
        await Command.RunAsync(
            _server.Client("pg_basebackup",
                [$"--pgdata={baseBackupFolder}", "--format=tar", "--gzip", "--wal-method=stream", "--checkpoint=fast", $"--label=dentistimo {name}"]),
            ct, s_toolTimeout);

        var backup = new PostgresBackup(
            name,
            startedAt,
            FinishedAt: DateTimeOffset.UtcNow,
            await _server.QueryAsync("postgres", "SHOW server_version", ct),
            dumped,
            await ReadBaseBackupAsync(baseBackupFolder, systemIdentifier, ct));
        await File.WriteAllTextAsync(Path.Combine(staging, ManifestFileName), JsonSerializer.Serialize(backup, s_manifestOptions), ct);
        Directory.Move(staging, folder);
        Log($"Backed up {(dumped.Count > 0 ? string.Join(", ", dumped) + " and " : "")}the whole cluster to {folder} " +
            $"({Megabytes(folder)} MB, {took.Elapsed.TotalSeconds:0.0} s).");

        await PruneAsync(keep, ct);
        return backup with { Folder = folder };
    }

    /// <summary>
    /// Closes the server's current WAL segment and waits until it is archived, so that everything committed so far can
    /// be recovered to, rather than only what archive_timeout has sent to the archive by now.
    /// </summary>
    public async Task ArchiveCurrentWalAsync(CancellationToken ct = default)
    {
        if (!await IsArchivingAsync(ct))
        {
            throw new InvalidOperationException($"{_server.Name} on port {_server.Port} runs without WAL archiving; it turns it on at its next start.");
        }

        var archive = WalArchiveFor(await _server.SystemIdentifierAsync(ct));
        if (!archive.IsKeeping)
        {
            throw new InvalidOperationException($"{_server.Name} on port {_server.Port} keeps no WAL before its first backup; take one first.");
        }

        // On a segment boundary pg_walfile_name names the segment just completed, which is what pg_switch_wal returns.
        var segment = await _server.QueryAsync("postgres", "SELECT pg_walfile_name(pg_switch_wal())", ct);
        var timeout = TimeSpan.FromMinutes(2);
        if (!await Probe.UntilAsync(_ => Task.FromResult(archive.Contains(segment)), timeout, ct))
        {
            throw new TimeoutException(
                $"WAL segment {segment} did not reach {archive.Folder} within {timeout.TotalMinutes:0} min. The end of {_server.LogFile}:\n{LogTail.OfFile(_server.LogFile)}");
        }
    }

    /// <summary>
    /// Restores each database of <paramref name="backup"/> from its dump into <paramref name="into"/>, which must be
    /// running. A database of that name already there is not dropped but renamed aside; the new names are returned.
    /// Nobody may be using those databases: their connections are ended.
    /// </summary>
    public async Task<IReadOnlyList<string>> RestoreDatabasesAsync(PostgresBackup backup, PostgresServer into, CancellationToken ct = default)
    {
        using var backupLock = await LockAsync("restoring PostgreSQL", ct);
        var existing = await into.ListDatabasesAsync(ct);
        var restoredAt = DateTime.UtcNow;
        var renamed = new List<string>();
        foreach (var database in backup.Databases)
        {
            if (existing.Contains(database))
            {
                var aside = $"{database}_before_restore_{restoredAt:yyyyMMddHHmmss}";
                await into.RenameDatabaseAsync(database, aside, ct);
                renamed.Add(aside);
                Log($"Kept the current {database} as {aside}; drop it once the restore is checked.");
            }

            await Command.RunAsync(
                into.Client("pg_restore", ["--create", "--exit-on-error", "--dbname=postgres", backup.DumpFile(database)]),
                ct, s_toolTimeout);
            Log($"Restored {database} on port {into.Port} from {backup.Name}.");
        }

        return renamed;
    }

    /// <summary>
    /// Makes <paramref name="into"/> the whole cluster as it was at <paramref name="time"/>: a data directory from the
    /// base backup of <paramref name="backup"/>, with the archived WAL replayed up to the last transaction committed at
    /// or before that time. <paramref name="into"/> is stopped first and its data directory kept beside the new one;
    /// it is left running, promoted to a new timeline that accepts writes.
    /// </summary>
    /// <param name="time">
    /// Not before <see cref="PostgresBackup.FinishedAt"/>, and before the last transaction in the archive (recovery
    /// stops at the first one after the target, and fails without one); null to replay everything the archive holds.
    /// </param>
    public async Task RestoreToPointInTimeAsync(PostgresBackup backup, DateTimeOffset? time, PostgresServer into, CancellationToken ct = default)
    {
        if (!backup.CanRecoverTo(time) || time > DateTimeOffset.UtcNow)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time,
                $"Backup {backup.Name} recovers to times from {backup.FinishedAt:u} (when it finished) until now; choose an older backup for earlier times.");
        }

        using var backupLock = await LockAsync("restoring PostgreSQL", ct);
        if (await _server.IsAnsweringAsync(ct) && await _server.SystemIdentifierAsync(ct) == backup.BaseBackup.SystemIdentifier)
        {
            // What the server wrote since archive_timeout last closed a segment reaches the archive before the server is
            // stopped (when it is the one restored into), so the recovery can reach it.
            await ArchiveCurrentWalAsync(ct);
        }

        var archive = WalArchiveFor(backup.BaseBackup.SystemIdentifier);
        var target = time is null ? "the end of its WAL archive" : $"{time:O}";
        Log($"Restoring {into.Name} on port {into.Port} from {backup.Name} and the WAL archive {archive.Folder} to {target}...");
        await into.StopAsync(ct);
        var staging = await StageDataDirectoryAsync(backup, archive, time, into, ct);
        if (Directory.Exists(into.DataDirectory))
        {
            var aside = $"{into.DataDirectory}.replaced-{DateTime.UtcNow:yyyyMMddHHmmss}";
            Directory.Move(into.DataDirectory, aside);
            Log($"Kept the replaced data directory as {aside}; delete it once the restore is checked.");
        }

        Directory.Move(staging, into.DataDirectory);
        await into.StartAsync(ct);
        await into.WaitUntilPromotedAsync(TimeSpan.FromMinutes(30), ct);
        // Recovery is over: its settings would only confuse whoever reads the configuration next.
        await into.RunSqlAsync(ct,
            "ALTER SYSTEM RESET restore_command", "ALTER SYSTEM RESET recovery_target_time", "ALTER SYSTEM RESET recovery_target_action", "SELECT pg_reload_conf()");
        Log($"{into.Name} on port {into.Port} now holds the cluster as it was at {target}, and accepts writes.");
    }

    internal WalArchive WalArchiveFor(string systemIdentifier) => new(Path.Combine(WalArchivesFolder, systemIdentifier));

    private string WalArchivesFolder => Path.Combine(Folder, "wal");

    /// <summary>
    /// The base backup unpacked into a side folder of <paramref name="into"/>, set to recover up to <paramref name="time"/>
    /// (recovery.signal, and the settings in postgresql.auto.conf, where pg_basebackup -R writes its own).
    /// </summary>
    private async Task<string> StageDataDirectoryAsync(PostgresBackup backup, WalArchive archive, DateTimeOffset? time, PostgresServer into, CancellationToken ct)
    {
        var staging = into.DataDirectory + ".restoring";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        CreatePrivateDirectory(staging);
        await Command.RunAsync(new("tar", ["--extract", "--gzip", $"--file={Path.Combine(backup.BaseBackupFolder, "base.tar.gz")}", $"--directory={staging}"]), ct, s_toolTimeout);
        await Command.RunAsync(new("tar", ["--extract", "--gzip", $"--file={Path.Combine(backup.BaseBackupFolder, "pg_wal.tar.gz")}", $"--directory={Path.Combine(staging, "pg_wal")}"]), ct, s_toolTimeout);
        List<string> settings =
        [
            "",
            "# Point-in-time recovery by Dentistimo.LocalServers, reset once the server is promoted",
            $"restore_command = {PostgresServer.SettingString(archive.RestoreCommand)}",
        ];
        // Without a target, recovery replays the whole archive and then promotes on its own.
        if (time is { } target)
        {
            settings.Add($"recovery_target_time = {PostgresServer.SettingTime(target)}");
            settings.Add("recovery_target_action = 'promote'");
        }

        await File.AppendAllLinesAsync(Path.Combine(staging, "postgresql.auto.conf"), settings, ct);
        await File.WriteAllTextAsync(Path.Combine(staging, "recovery.signal"), "", ct);

        // PostgreSQL refuses a data directory that others may read.
        File.SetUnixFileMode(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await ServiceAccount.EnsureOwnedDirectoryAsync(staging, ServiceAccount.ToRunAs("postgres"), Log, ct);
        return staging;
    }

    /// <summary>Keeps the newest <paramref name="keep"/> backups, and of the WAL archive what a recovery from one of them needs.</summary>
    private async Task PruneAsync(int keep, CancellationToken ct)
    {
        var backups = List();
        foreach (var old in backups.SkipLast(keep))
        {
            Directory.Delete(old.Folder, recursive: true);
            Log($"Deleted backup {old.Name} (keeping the newest {keep}).");
        }

        var kept = backups.TakeLast(keep).ToList();
        foreach (var archiveFolder in Directory.Exists(WalArchivesFolder) ? Directory.EnumerateDirectories(WalArchivesFolder) : [])
        {
            var oldest = kept.FirstOrDefault(backup => backup.BaseBackup.SystemIdentifier == Path.GetFileName(archiveFolder));
            if (oldest is null)
            {
                // A cluster since replaced by a new one (initdb): nothing kept can recover from its WAL.
                Directory.Delete(archiveFolder, recursive: true);
                Log($"Deleted the WAL archive {archiveFolder}, which no kept backup needs.");
            }
            else
            {
                await new WalArchive(archiveFolder).RemoveSegmentsBeforeAsync(oldest.BaseBackup.StartWalFile, ct);
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
            StartWalFile: await _server.QueryAsync("postgres", $"SELECT pg_walfile_name('{startLsn}'::pg_lsn)", ct));
    }

    private async Task<bool> IsArchivingAsync(CancellationToken ct) => await _server.QueryAsync("postgres", "SHOW archive_mode", ct) == "on";

    private PostgresBackup ReadManifest(string folder) =>
        (JsonSerializer.Deserialize<PostgresBackup>(File.ReadAllText(Path.Combine(folder, ManifestFileName)), s_manifestOptions)
            ?? throw new InvalidOperationException($"{Path.Combine(folder, ManifestFileName)} is empty.")) with { Folder = folder };

    // Only called while holding the lock, so a partial folder is one whose backup died.
    private void DeleteUnfinishedBackups()
    {
        foreach (var partial in Directory.Exists(Folder) ? Directory.EnumerateDirectories(Folder, ".*.partial") : [])
        {
            Directory.Delete(partial, recursive: true);
        }
    }

    // Dumps hold patients' names and email addresses: only their owner may read them.
    private static void CreatePrivateDirectory(string path) =>
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    private static long Megabytes(string folder) =>
        new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(file => file.Length) / (1024 * 1024);

    private Task<FileLock> LockAsync(string purpose, CancellationToken ct) =>
        FileLock.AcquireAsync(Path.Combine(_context.StateDirectory, "locks", "postgres-backups.lock"), purpose, TimeSpan.FromHours(1), Log, ct);

    private void Log(string message) => _context.Log(message);
}
