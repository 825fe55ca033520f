using System.Text.Json.Serialization;

namespace Dentistimo.AppHost.LocalServers;

// A backup's backup.json (docs/operations.md#backups-and-restore).
public sealed record PostgresBackup(
    string Name,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string PostgresVersion,
    IReadOnlyList<string> Databases,
    PostgresBaseBackup BaseBackup)
{
    // Not stored in backup.json, so the folder can be moved.
    [JsonIgnore]
    public string Folder { get; init; } = "";

    // Not before the base backup was complete; null, the end of the WAL archive, always.
    public bool CanRecoverTo(DateTimeOffset? time) => time is null || time >= FinishedAt;

    public string DumpFile(string database) => Path.Combine(Folder, $"{database}.dump");

    [JsonIgnore]
    public string BaseBackupFolder => Path.Combine(Folder, "base");
}

// StartWalFile: the oldest WAL segment a recovery from this base backup needs.
public sealed record PostgresBaseBackup(string SystemIdentifier, int Timeline, string StartLsn, string EndLsn, string StartWalFile);
