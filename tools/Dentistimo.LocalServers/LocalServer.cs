using System.Diagnostics;
using Dentistimo.LocalServers.Infrastructure;

namespace Dentistimo.LocalServers;

/// <summary>
/// One server on 127.0.0.1 whose files live in its own folder of the state folder. Starting reuses a server that already
/// answers, whichever process started it; otherwise it installs what is missing and starts a daemon that outlives the
/// starting process, so test runs and the launcher share it. Start and stop are serialized across processes.
/// </summary>
public abstract class LocalServer
{
    private readonly ServerContext _context;

    private protected LocalServer(ServerContext context, string name, int port, string folderName)
    {
        _context = context;
        Name = name;
        Port = port + context.PortOffset;
        Folder = Path.Combine(context.StateDirectory, folderName);
    }

    public string Name { get; }

    /// <summary>The port clients connect to.</summary>
    public int Port { get; }

    /// <summary>This server's folder in the state folder: its configuration, data, log and pid file.</summary>
    public string Folder { get; }

    /// <summary>What the server writes about itself; start failures quote its end.</summary>
    public abstract string LogFile { get; }

    /// <summary>Whether the server is up and ready for clients with the credentials this class hands out.</summary>
    public abstract Task<bool> IsAnsweringAsync(CancellationToken ct = default);

    public async Task StartAsync(CancellationToken ct = default)
    {
        if (await IsAnsweringAsync(ct))
        {
            return;
        }

        await SystemPackages.EnsureInstalledAsync(RequiredPackages, _context.StateDirectory, Log, ct);
        using var serverLock = await LockAsync($"starting {Name}", ct);
        if (await IsAnsweringAsync(ct))
        {
            return; // the process we waited for started it
        }

        Log($"Starting {Name} on 127.0.0.1:{Port} (log: {LogFile})...");
        var took = Stopwatch.StartNew();
        try
        {
            await LaunchAsync(ct);
        }
        catch (InvalidOperationException e)
        {
            throw Failure($"could not be started: {e.Message}");
        }

        if (!await Probe.UntilAsync(IsAnsweringAsync, StartTimeout, ct, DeathCheck()))
        {
            throw Failure($"did not answer on port {Port} within {StartTimeout.TotalSeconds:0} s");
        }

        await OnStartedAsync(ct);
        Log($"{Name} is up ({took.Elapsed.TotalSeconds:0.0} s).");
    }

    /// <summary>Stops the server gracefully. Does nothing when it is not running.</summary>
    public Task StopAsync(CancellationToken ct = default) => StopAsync(abrupt: false, ct);

    /// <summary>
    /// Stops the server the way a crash would, without a clean shutdown (for fault-injection tests);
    /// <see cref="StartAsync"/> afterwards recovers it.
    /// </summary>
    public Task KillAsync(CancellationToken ct = default) => StopAsync(abrupt: true, ct);

    internal abstract IReadOnlyList<SystemPackage> RequiredPackages { get; }

    private protected virtual TimeSpan StartTimeout => TimeSpan.FromSeconds(60);

    /// <summary>The file holding the server's pid, and a fragment of its command line that proves the pid is still the server.</summary>
    private protected abstract (string Path, string CommandFragment) PidFile { get; }

    private protected bool IsRunning => RunningPid is not null;

    /// <summary>True once the server is gone, every process of it; by default, once its pid file names no live process.</summary>
    private protected virtual bool HasExited => !IsRunning;

    private protected int? RunningPid => Posix.ReadLivePid(PidFile.Path, PidFile.CommandFragment);

    /// <summary>Writes the server's configuration and starts it; the base class then waits until it answers.</summary>
    private protected abstract Task LaunchAsync(CancellationToken ct);

    /// <summary>Runs once a server this process launched answers.</summary>
    private protected virtual Task OnStartedAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>By default SIGTERM for a graceful stop, and SIGKILL to the whole process group for an abrupt one.</summary>
    private protected virtual Task StopProcessAsync(bool abrupt, CancellationToken ct)
    {
        if (RunningPid is { } pid)
        {
            Posix.Signal(abrupt ? -pid : pid, abrupt ? Posix.SigKill : Posix.SigTerm);
        }

        return Task.CompletedTask;
    }

    /// <summary>Starts <paramref name="command"/> as this server's daemon, logging to <see cref="LogFile"/>.</summary>
    private protected async Task StartDaemonAsync(Command command, CancellationToken ct)
    {
        File.Delete(PidFile.Path); // left by a crash; the pid may belong to another process by now
        await Command.StartDetachedAsync(command, LogFile, PidFile.Path, ct);
        // The file exists from the moment the shell opens it, empty until the pid is written; liveness checks read the pid.
        if (!await Probe.UntilAsync(_ => Task.FromResult(Posix.ReadPid(PidFile.Path) is not null), TimeSpan.FromSeconds(10), ct))
        {
            throw new InvalidOperationException($"`{command}` was started but never wrote {PidFile.Path}.");
        }
    }

    private protected void Log(string message) => _context.Log(message);

    private protected Exception Failure(string what) =>
        new InvalidOperationException($"{Name} {what}. The end of its log {LogFile}:\n{LogTail.OfFile(LogFile)}");

    private async Task StopAsync(bool abrupt, CancellationToken ct)
    {
        using var serverLock = await LockAsync($"stopping {Name}", ct);
        if (!IsRunning)
        {
            if (await IsAnsweringAsync(ct))
            {
                throw new InvalidOperationException(
                    $"{Name} answers on port {Port} but was not started from {_context.StateDirectory}, so it cannot be stopped from here.");
            }

            return;
        }

        Log(abrupt ? $"Killing {Name}..." : $"Stopping {Name}...");
        await StopProcessAsync(abrupt, ct);
        var stopTimeout = TimeSpan.FromSeconds(60);
        if (!await Probe.UntilAsync(async c => HasExited && !await Probe.IsPortOpenAsync(Port, c), stopTimeout, ct))
        {
            throw Failure($"did not stop within {stopTimeout.TotalSeconds:0} s");
        }

        File.Delete(PidFile.Path);
    }

    /// <summary>
    /// For waits on a server that is starting: throws once the server is seen dead twice in a row, a poll apart. While a
    /// process execs (the daemon's shell becomes setpriv, which becomes the server), /proc can show it without its
    /// command line for a moment; taken for dead then, a RabbitMQ that went on to start fine was left running unowned,
    /// and the next start failed on its ports. Use a new one for each wait.
    /// </summary>
    private protected Action DeathCheck()
    {
        var seenDead = 0;
        return () =>
        {
            seenDead = IsRunning ? 0 : seenDead + 1;
            if (seenDead > 1)
            {
                throw Failure("exited while starting");
            }
        };
    }

    // Starting can include a package install, so waiting for it must be patient.
    private Task<FileLock> LockAsync(string purpose, CancellationToken ct) =>
        FileLock.AcquireAsync(Path.Combine(_context.StateDirectory, "locks", $"{Path.GetFileName(Folder)}.lock"), purpose, TimeSpan.FromMinutes(25), Log, ct);
}

/// <summary>What every server needs from the set it belongs to.</summary>
/// <param name="PortOffset">Added to every port of the set, so that a second set can run beside the first.</param>
internal sealed record ServerContext(string StateDirectory, Action<string> Log, int PortOffset);
