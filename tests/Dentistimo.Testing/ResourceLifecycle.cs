using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Dentistimo.Testing;

/// <summary>A resource of a running app stopped as the dashboard's stop button does, and its process's exit as DCP reports it.</summary>
public static class ResourceLifecycle
{
    /// <summary>Runs the resource's stop command and returns once its process has exited.</summary>
    public static async Task StopResourceAsync(this DistributedApplication app, string resourceName, CancellationToken cancellationToken)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync(resourceName, KnownResourceCommands.StopCommand, cancellationToken);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{resourceName} did not stop: {result.Message}");
        }

        await app.WaitForExitAsync(resourceName, cancellationToken);
    }

    /// <summary>Returns once the resource's process has exited (or at once if it is not running).</summary>
    public static Task WaitForExitAsync(this DistributedApplication app, string resourceName, CancellationToken cancellationToken) =>
        app.ResourceNotifications.WaitForResourceAsync(resourceName, IsTerminal, cancellationToken);

    /// <summary>Whether the resource's process has exited (or never ran) and waits for its start command.</summary>
    public static bool HasExited(this DistributedApplication app, string resourceName) =>
        app.ResourceNotifications.TryGetCurrentState(resourceName, out var resource) && IsTerminal(resource);

    private static bool IsTerminal(ResourceEvent resource) => KnownResourceStates.TerminalStates.Contains(resource.Snapshot.State?.Text);
}
