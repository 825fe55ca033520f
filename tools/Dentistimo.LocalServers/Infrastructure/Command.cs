using System.Diagnostics;
using System.Text;

namespace Dentistimo.LocalServers.Infrastructure;

/// <summary>A program to run: arguments, extra environment, working folder and the user to run it as.</summary>
internal sealed record Command(string FileName, IReadOnlyList<string> Arguments)
{
    public ServiceAccount? User { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    public string? WorkingDirectory { get; init; }

    public override string ToString() => string.Join(' ', [FileName, .. Arguments]);

    /// <summary>Runs to completion and returns stdout and stderr together; throws with that output if it fails.</summary>
    public static async Task<string> RunAsync(Command command, CancellationToken ct, TimeSpan? timeout = null)
    {
        using var process = new Process { StartInfo = command.ToStartInfo() };
        process.StartInfo.RedirectStandardOutput = true;
        process.StartInfo.RedirectStandardError = true;
        var output = new StringBuilder();
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output) output.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;

        StartOrExplain(process, command);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (ct.IsCancellationRequested) throw;
            throw new TimeoutException($"`{command}` did not finish within {timeout ?? TimeSpan.FromMinutes(2)}:\n{Tail(output)}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{command}` exited with code {process.ExitCode}:\n{Tail(output)}");
        }

        lock (output) return output.ToString();
    }

    /// <summary>Runs to completion and tells whether it exited with code 0; for probes, where failing is an answer.</summary>
    public static async Task<bool> SucceedsAsync(Command command, CancellationToken ct)
    {
        try
        {
            await RunAsync(command, ct, TimeSpan.FromSeconds(10));
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Starts <paramref name="command"/> as a daemon: in a session of its own (so neither Ctrl-C in a terminal nor the
    /// end of the starting process, a test run say, reaches it), output appended to <paramref name="logFile"/>, and its
    /// pid, which is also its process group id, written to <paramref name="pidFile"/>.
    /// </summary>
    public static Task StartDetachedAsync(Command command, string logFile, string pidFile, CancellationToken ct)
    {
        // `setsid -f` forks into a new session and returns at once; the shell records its own pid and then execs
        // the server (through setpriv when switching users, which execs too), so the recorded pid is the server's.
        const string script = "pid_file=$1; log_file=$2; shift 2; echo $$ > \"$pid_file\"; exec \"$@\" >> \"$log_file\" 2>&1 < /dev/null";
        var program = command.ToStartInfo();
        var detached = new Command("setsid", ["-f", "/bin/sh", "-c", script, "sh", pidFile, logFile, program.FileName, .. program.ArgumentList])
        {
            Environment = MergedEnvironment(command),
            WorkingDirectory = command.WorkingDirectory,
        };
        return RunAsync(detached, ct);
    }

    public ProcessStartInfo ToStartInfo()
    {
        var info = new ProcessStartInfo { UseShellExecute = false, WorkingDirectory = WorkingDirectory ?? "" };
        if (User is null)
        {
            info.FileName = FileName;
        }
        else
        {
            // setpriv execs in place (runuser and su fork), so pids and signals reach the server itself.
            info.FileName = "setpriv";
            foreach (var argument in new[] { $"--reuid={User.Uid}", $"--regid={User.Gid}", "--init-groups", "--", FileName })
            {
                info.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in MergedEnvironment(this))
        {
            info.Environment[name] = value;
        }

        return info;
    }

    private static Dictionary<string, string> MergedEnvironment(Command command)
    {
        var environment = new Dictionary<string, string>(command.Environment);
        if (command.User is { } user)
        {
            environment.TryAdd("HOME", user.Home);
            environment.TryAdd("USER", user.Name);
            environment.TryAdd("LOGNAME", user.Name);
        }

        return environment;
    }

    private static void StartOrExplain(Process process, Command command)
    {
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start `{command}`: {e.Message}", e);
        }
    }

    private static string Tail(StringBuilder output)
    {
        lock (output) return LogTail.Of(output.ToString());
    }
}
