using System.Diagnostics;

namespace Dentistimo.LocalServers.Infrastructure;

/// <summary>
/// An exclusive lock shared by every process on the machine (an flock taken by opening with FileShare.None).
/// The kernel releases it when its holder dies, so a crashed process never leaves a stale lock behind.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    public static FileLock? TryAcquire(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <param name="waitingFor">What the holder is doing, as in "Waiting for another process to finish {waitingFor}".</param>
    public static async Task<FileLock> AcquireAsync(string path, string waitingFor, TimeSpan timeout, Action<string> log, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        var told = false;
        while (true)
        {
            if (TryAcquire(path) is { } acquired)
            {
                return acquired;
            }

            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"Another process kept {path} locked for {timeout.TotalSeconds:0} s while {waitingFor}; gave up waiting.");
            }

            if (!told && waited.Elapsed > TimeSpan.FromSeconds(2))
            {
                log($"Waiting for another process to finish {waitingFor} (lock {path})...");
                told = true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    public void Dispose() => _stream.Dispose();
}
