using System.Runtime.InteropServices;
using Aspire.Hosting;
using Dentistimo.Testing;

namespace Dentistimo.AppHost.Tests.FaultInjection;

/// <summary>
/// The process DCP runs for a resource, found by the process id its snapshot carries, for the faults that reach past
/// the dashboard's commands: a signal, as the kernel or a container platform sends one.
/// </summary>
public static partial class ResourceProcess
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>PostgreSQL's immediate shutdown (what `pg_ctl stop -m immediate` sends): no checkpoint, clients cut off.</summary>
    public const int SigQuit = 3;

    // The property the dashboard shows the process id in.
    private const string ProcessIdProperty = "executable.pid";

    private static readonly TimeSpan s_exitTimeout = TimeSpan.FromMinutes(1);

    /// <summary>The process id of the resource's current run, as the dashboard shows it.</summary>
    public static int Id(DistributedApplication app, string resourceName) =>
        app.ResourceNotifications.TryGetCurrentState(resourceName, out var resource)
        && resource.Snapshot.Properties.FirstOrDefault(property => property.Name == ProcessIdProperty)?.Value is { } pid
            ? Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{resourceName} has no process now.");

    /// <summary>The one child of <paramref name="pid"/>: the service that `dotnet run` (a project's process) started.</summary>
    public static int ChildOf(int pid)
    {
        var children = Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name!.All(char.IsAsciiDigit))
            .Where(name => ParentOf(name!) == pid)
            .Select(name => int.Parse(name!, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        return children.Count == 1 ? children[0] : throw new InvalidOperationException($"Process {pid} has {children.Count} children, not one.");
    }

    public static void Signal(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"Could not send signal {signal} to process {pid} (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the resource's process and returns once DCP has seen it exit.</summary>
    public static async Task SignalAndWaitForExitAsync(DistributedApplication app, string resourceName, int signal)
    {
        Signal(Id(app, resourceName), signal);
        await WaitForExitAsync(app, resourceName, s_exitTimeout);
    }

    /// <summary>Waits until the resource's process has exited, as DCP reports it.</summary>
    public static async Task WaitForExitAsync(DistributedApplication app, string resourceName, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await app.WaitForExitAsync(resourceName, cts.Token);
    }

    private static int? ParentOf(string pid)
    {
        try
        {
            // /proc/{pid}/stat: "pid (command) state ppid ...", where the command may itself hold spaces and parentheses.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null; // exited while we looked
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
