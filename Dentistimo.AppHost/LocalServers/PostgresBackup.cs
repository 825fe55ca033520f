using System.Text.Json.Serialization;

namespace Dentistimo.AppHost.LocalServers;

/// <summary>One backup taken by <see cref="PostgresBackups"/>, as its backup.json describes it.</summary>
/// <param name="Name">The backup's folder name: the UTC time it started, e.g. 2026-11-22T04-00-00Z.</param>
/// <param name="FinishedAt">When the base backup was complete: the earliest time a point-in-time recovery from it can reach.</param>
/// <param name="PostgresVersion">A base backup restores only into the same major version.</param>
/// <param name="Databases">The databases dumped, each to &lt;database&gt;.dump.</param>
public sealed record PostgresBackup(
    string Name,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string PostgresVersion,
    IReadOnlyList<string> Databases,
    PostgresBaseBackup BaseBackup)
{
    /// <summary>Where the backup is; known from where its backup.json was read, not stored in it, so the folder can be moved.</summary>
    [JsonIgnore]
    public string Folder { get; init; } = "";

    /// <summary>
    /// Whether a point-in-time recovery from this backup can reach <paramref name="time"/>: not before the base backup
    /// was complete. Null, the end of the WAL archive, it always can.
    /// </summary>
    public bool CanRecoverTo(DateTimeOffset? time) => time is null || time >= FinishedAt;

    /// <summary>The logical dump (pg_dump's custom format) of <paramref name="database"/>.</summary>
    public string DumpFile(string database) => Path.Combine(Folder, $"{database}.dump");

    /// <summary>pg_basebackup's output: base.tar.gz, pg_wal.tar.gz and its backup_manifest.</summary>
    [JsonIgnore]
    public string BaseBackupFolder => Path.Combine(Folder, "base");
}

/// <summary>Where the base backup of the whole cluster sits in its WAL.</summary>
/// <param name="SystemIdentifier">The cluster's, which names its WAL archive folder.</param>
/// <param name="StartWalFile">The first WAL segment a recovery from this base backup reads; older ones it never needs.</param>
public sealed record PostgresBaseBackup(string SystemIdentifier, int Timeline, string StartLsn, string EndLsn, string StartWalFile);
