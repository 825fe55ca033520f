using Dentistimo.LocalServers.Infrastructure;

namespace Dentistimo.LocalServers;

/// <summary>
/// The folder where one cluster's server archives each completed WAL segment, gzip-compressed (a segment is 16 MB,
/// mostly zeros when archive_timeout closes it early), and the commands with which the server writes and recovery reads it.
/// </summary>
internal sealed class WalArchive(string folder)
{
    private const string Extension = ".gz";

    public string Folder => folder;

    /// <summary>
    /// PostgreSQL's archive_command. It refuses to overwrite a segment already archived (the server then retries and
    /// says so in its log, rather than losing a segment), and moves a finished copy into place, so that a crash
    /// mid-copy never leaves a truncated segment under a real name.
    /// </summary>
    public string ArchiveCommand => $"test ! -f {Segment} && gzip -c %p > {Copying} && mv {Copying} {Segment}";

    /// <summary>PostgreSQL's restore_command. It fails for a segment the archive does not hold, which is how recovery learns it reached the end.</summary>
    public string RestoreCommand => $"test -f {Segment} && gunzip -c {Segment} > %p";

    /// <summary>Whether the segment (or history file) named <paramref name="walFile"/> has been archived.</summary>
    public bool Contains(string walFile) => File.Exists(Path.Combine(folder, walFile + Extension));

    /// <summary>When the newest segment was archived: changes older than that are in the archive.</summary>
    public DateTimeOffset? LastArchivedAt =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*" + Extension).Select(file => (DateTimeOffset?)File.GetLastWriteTimeUtc(file)).Max()
            : null;

    /// <summary>Deletes the segments older than <paramref name="walFile"/>, which no kept base backup needs.</summary>
    public Task RemoveSegmentsBeforeAsync(string walFile, CancellationToken ct) =>
        Command.RunAsync(new($"{PostgresServer.Binaries}/pg_archivecleanup", ["-x", Extension, folder, walFile]), ct);

    private string Segment => $"{QuotedFolder}/%f{Extension}";

    private string Copying => $"{QuotedFolder}/.%f{Extension}.copying";

    // One word for sh, with % doubled because PostgreSQL expands %f and %p anywhere in the command.
    private string QuotedFolder => "'" + folder.Replace("'", "'\\''").Replace("%", "%%") + "'";
}
