using Dentistimo.LocalServers;

namespace Dentistimo.Launcher;

/// <summary>The launcher's backup, backups and restore commands, and the backups it takes while it runs the system.</summary>
internal static class BackupCommands
{
    /// <summary>Names the newest backup, or for a point-in-time restore the newest that can recover to the time asked.</summary>
    public const string Latest = "latest";

    // A failed scheduled backup is tried again this soon, rather than a whole interval later.
    private static readonly TimeSpan s_retryDelay = TimeSpan.FromMinutes(15);

    // The schedule looks at the newest backup at least this often, so backups taken meanwhile by the backup command count.
    private static readonly TimeSpan s_longestSleep = TimeSpan.FromHours(1);

    public static async Task<int> RunAsync(LauncherArguments arguments, LocalServerSet servers, IReadOnlyList<string> databases)
    {
        try
        {
            switch (arguments.Command)
            {
                case LauncherCommand.Backup:
                    await servers.Postgres.StartAsync();
                    await servers.Postgres.Backups.BackUpAsync(databases, arguments.KeepBackups);
                    return 0;
                case LauncherCommand.Backups:
                    await ListAsync(servers.Postgres.Backups);
                    return 0;
                case LauncherCommand.Restore:
                    return await RestoreAsync(servers, arguments.Backup!, arguments.PointInTime, arguments.RecoveryTarget);
                default:
                    throw new ArgumentOutOfRangeException(nameof(arguments), arguments.Command, "Not a backup command.");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or TimeoutException or IOException)
        {
            Console.Error.WriteLine($"Failed: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Backs up every <paramref name="interval"/> until cancelled: at once when the newest backup is older than that
    /// (or there is none), else when it is that old.
    /// </summary>
    public static async Task RunScheduleAsync(PostgresBackups backups, IReadOnlyList<string> databases, TimeSpan interval, int keep, CancellationToken ct)
    {
        while (true)
        {
            var untilDue = (backups.List().LastOrDefault()?.StartedAt + interval ?? DateTimeOffset.UtcNow) - DateTimeOffset.UtcNow;
            if (untilDue > TimeSpan.Zero)
            {
                await Task.Delay(untilDue < s_longestSleep ? untilDue : s_longestSleep, ct);
                continue;
            }

            try
            {
                await backups.BackUpAsync(databases, keep, ct);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
            {
                Console.Error.WriteLine($"The scheduled backup failed; trying again in {s_retryDelay.TotalMinutes:0} minutes. {e.Message}");
                await Task.Delay(s_retryDelay, ct);
            }
        }
    }

    private static async Task ListAsync(PostgresBackups backups)
    {
        var all = backups.List();
        if (all.Count == 0)
        {
            Console.WriteLine($"No backups in {backups.Folder} yet.");
            return;
        }

        Console.WriteLine($"Backups in {backups.Folder}, oldest first:");
        foreach (var backup in all)
        {
            var databases = backup.Databases.Count > 0 ? string.Join(", ", backup.Databases) : "no databases yet, the cluster only";
            Console.WriteLine($"  {backup.Name}   finished {backup.FinishedAt:u}   {databases}");
        }

        if (await backups.LastArchivedAtAsync() is { } lastArchived)
        {
            Console.WriteLine($"Point-in-time recovery (restore <backup> --to <time>) reaches from {all[0].FinishedAt:u} to about {lastArchived:u}, " +
                "when the newest WAL segment was archived; a running server archives what it wrote since then first.");
        }
    }

    private static async Task<int> RestoreAsync(LocalServerSet servers, string name, bool pointInTime, DateTimeOffset? target)
    {
        // Owning the services proves that no launcher runs them against the databases about to be replaced.
        await using var system = await DentistimoSystem.AcquireAsync(servers);
        var backups = servers.Postgres.Backups;
        var backup = name == Latest ? backups.List().LastOrDefault(backup => backup.CanRecoverTo(target)) : backups.Find(name);
        if (backup is null)
        {
            Console.Error.WriteLine(
                name != Latest ? $"No backup named {name} in {backups.Folder}; the backups command lists them."
                : target is null ? $"No backups in {backups.Folder} yet."
                : $"No backup in {backups.Folder} finished by {target:u}.");
            return 1;
        }

        if (!backup.CanRecoverTo(target))
        {
            Console.Error.WriteLine($"Backup {backup.Name} finished at {backup.FinishedAt:u}, after {target:u}, so it cannot recover to then; {Latest} picks the newest one that can.");
            return 1;
        }

        if (pointInTime)
        {
            await backups.RestoreToPointInTimeAsync(backup, target, servers.Postgres);
        }
        else
        {
            await servers.Postgres.StartAsync();
            await backups.RestoreDatabasesAsync(backup, servers.Postgres);
        }

        return 0;
    }
}
