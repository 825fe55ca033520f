using System.Runtime.InteropServices;

namespace Dentistimo.LocalServers.Infrastructure;

/// <summary>The few Linux process facts and signals .NET has no managed API for.</summary>
internal static class Posix
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    public static bool IsRoot => Environment.IsPrivilegedProcess;

    /// <summary>Sends <paramref name="signal"/>; a negative <paramref name="pid"/> addresses the whole process group.</summary>
    public static bool Signal(int pid, int signal) => kill(pid, signal) == 0;

    /// <summary>
    /// True when <paramref name="pid"/> is a running (not zombie) process whose command line contains
    /// <paramref name="commandFragment"/>. Pid files outlive crashes and reboots, and pids get reused,
    /// so a pid alone must never be trusted before signalling it.
    /// </summary>
    public static bool IsRunning(int pid, string commandFragment)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 1)..].TrimStart()[0];
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            return state != 'Z' && commandLine.Contains(commandFragment, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The pid in <paramref name="pidFile"/> if it names a live process running <paramref name="commandFragment"/>.</summary>
    public static int? ReadLivePid(string pidFile, string commandFragment) =>
        ReadPid(pidFile) is { } pid && IsRunning(pid, commandFragment) ? pid : null;

    /// <summary>The pid written in <paramref name="pidFile"/>, alive or not; null while the file is missing, or created but not yet written.</summary>
    public static int? ReadPid(string pidFile)
    {
        try
        {
            return int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
