using Dentistimo.LocalServers.Infrastructure;

namespace Dentistimo.LocalServers;

/// <summary>
/// The folder where one cluster's server archives each completed WAL segment, zstd-compressed (a segment is 16 MB,
/// mostly zeros when archive_timeout closes it early), and the commands with which the server writes and recovery reads it.
/// Archives written before 2026-11-21 hold gzip-compressed segments, which recovery and pruning still handle.
/// </summary>
/// <remarks>
/// Segments are kept only once a base backup of the cluster has been taken (<see cref="KeepFromNow"/>): before that
/// none could ever be replayed, and a server that only test runs write to, and nobody backs up, would fill the disk.
/// </remarks>
internal sealed class WalArchive(string folder)
{
    private const string Extension = ".zst";
    private const string GzipExtension = ".gz";
    private static readonly string[] s_extensions = [Extension, GzipExtension];
    private const string KeepingMarker = ".base-backup-taken";

    public string Folder => folder;

    /// <summary>Whether segments are kept, which they are from the first base backup on.</summary>
    public bool IsKeeping => File.Exists(Path.Combine(folder, KeepingMarker));

    /// <summary>
    /// PostgreSQL's archive_command. Until a base backup is taken it lets each segment go without a copy, as an archive
    /// command that succeeds may. Then it refuses to overwrite a segment already archived (the server retries and says
    /// so in its log, rather than losing a segment), and moves a finished copy into place, so that a crash mid-copy
    /// never leaves a truncated segment under a real name. The copy is compressed fast and at the lowest priority: under
    /// load a segment fills every few seconds. gzip at its defaults took up to a sixth of the machine's CPU from the
    /// services in a benchmark; zstd -1 takes a quarter of what gzip -1 did (0.06 s of CPU per 16 MB segment instead
    /// of 0.25 s) and writes smaller files.
    /// </summary>
    public string ArchiveCommand =>
        $"if test -f {ShellPath(KeepingMarker)}; then test ! -f {Segment} && nice -n 19 zstd -1 -q -c %p > {Copying} && mv {Copying} {Segment}; fi";

    /// <summary>PostgreSQL's restore_command. It fails for a segment the archive does not hold, which is how recovery learns it reached the end.</summary>
    public string RestoreCommand =>
        $"if test -f {Segment}; then zstd -d -q -c {Segment} > %p; else test -f {GzipSegment} && gunzip -c {GzipSegment} > %p; fi";

    /// <summary>Whether the segment (or history file) named <paramref name="walFile"/> has been archived.</summary>
    public bool Contains(string walFile) => s_extensions.Any(extension => File.Exists(Path.Combine(folder, walFile + extension)));

    /// <summary>When the newest segment was archived: changes older than that are in the archive.</summary>
    public DateTimeOffset? LastArchivedAt =>
        Directory.Exists(folder)
            ? s_extensions.SelectMany(extension => Directory.EnumerateFiles(folder, "*" + extension))
                .Select(file => (DateTimeOffset?)File.GetLastWriteTimeUtc(file)).Max()
            : null;

    /// <summary>Keeps every segment completed from now on; called as a base backup starts.</summary>
    public void KeepFromNow()
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, KeepingMarker), "");
    }

    /// <summary>Deletes the segments older than <paramref name="walFile"/>, which no kept base backup needs.</summary>
    public async Task RemoveSegmentsBeforeAsync(string walFile, CancellationToken ct)
    {
        foreach (var extension in s_extensions)
        {
            await Command.RunAsync(new($"{PostgresServer.Binaries}/pg_archivecleanup", ["-x", extension, folder, walFile]), ct);
        }
    }

    private string Segment => ShellPath($"%f{Extension}");

    private string GzipSegment => ShellPath($"%f{GzipExtension}");

    private string Copying => ShellPath($".%f{Extension}.copying");

    // A path in the folder as one word for sh, %f and %p left for PostgreSQL to expand and any other % doubled.
    private string ShellPath(string fileName) => "'" + folder.Replace("'", "'\\''").Replace("%", "%%") + "'/" + fileName;
}
