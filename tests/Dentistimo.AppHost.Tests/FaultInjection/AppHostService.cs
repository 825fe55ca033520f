using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Dentistimo.AppHost.Tests.Infrastructure;
using Dentistimo.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dentistimo.AppHost.Tests.FaultInjection;

/// <summary>
/// BookingApi or the notifier as DCP runs it: `dotnet run` of its project, whose one child is the service itself. A
/// crash or a rolling deploy signals that child, as the kernel or a container platform would signal the service, and
/// `dotnet run` exits with it; the resource's start command (the dashboard's) starts it again.
/// </summary>
public sealed class AppHostService(DistributedApplication app, string resourceName) : AppHostServer(app, resourceName)
{
    /// <summary>
    /// What container platforms give a service between SIGTERM and SIGKILL (Kubernetes' and Azure Container Apps'
    /// default), so that shutdown is exercised against the deadline it has in production; the services' own shutdown
    /// timeout is below it (ServiceDefaults).
    /// </summary>
    public static readonly TimeSpan ShutdownGracePeriod = TimeSpan.FromSeconds(30);

    /// <summary>The service's http endpoint, as the other resources reach it.</summary>
    public Uri Url => App.GetEndpoint(ResourceName, "http");

    /// <summary>How the latest run ended: 0 when the service shut down by itself after SIGTERM; null before it first ended.</summary>
    public int? LastExitCode { get; private set; }

    /// <summary>A crash: SIGKILL, with no chance to finish anything.</summary>
    public Task KillAsync() => SignalAsync(ResourceProcess.SigKill);

    /// <summary>A rolling deploy's stop: SIGTERM, and SIGKILL if the service has not exited after <see cref="ShutdownGracePeriod"/>.</summary>
    public Task TerminateAsync() => SignalAsync(ResourceProcess.SigTerm);

    /// <summary>Healthy: GET /health answers 200, which needs every server the service uses.</summary>
    public override Task<bool> IsAnsweringAsync() => AnswersGetAsync(new Uri(Url, "/health"));

    /// <summary>
    /// Records what the service prints from now on, over all its runs: DCP keeps only the current run's lines, and a
    /// fault restarts the service.
    /// </summary>
    public IAsyncDisposable RecordLog(string file)
    {
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(resource => resource.Name == ResourceName);
        var since = DateTimeOffset.UtcNow;
        return new LogRecording(App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resource), since, file);
    }

    private async Task SignalAsync(int signal)
    {
        var service = ResourceProcess.ChildOf(ResourceProcess.Id(App, ResourceName));
        ResourceProcess.Signal(service, signal);
        try
        {
            await ResourceProcess.WaitForExitAsync(App, ResourceName, ShutdownGracePeriod);
        }
        catch (OperationCanceledException)
        {
            ResourceProcess.Signal(service, ResourceProcess.SigKill);
            await ResourceProcess.WaitForExitAsync(App, ResourceName, ShutdownGracePeriod);
        }

        App.ResourceNotifications.TryGetCurrentState(ResourceName, out var exited);
        LastExitCode = exited?.Snapshot.ExitCode;
    }

    private sealed class LogRecording : IAsyncDisposable
    {
        private readonly List<string> _lines = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _watching;
        private readonly string _file;

        public LogRecording(IAsyncEnumerable<IReadOnlyList<LogLine>> log, DateTimeOffset since, string file)
        {
            _file = file;
            _watching = Task.Run(async () =>
            {
                await foreach (var batch in log.WithCancellation(_stop.Token))
                {
                    // The watch begins with the current run's earlier lines, each stamped with its time.
                    _lines.AddRange(batch.Select(line => line.Content).Where(line =>
                        !DateTimeOffset.TryParse(line.Split(' ', 2)[0], CultureInfo.InvariantCulture, out var at) || at >= since));
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _watching;
            }
            catch (OperationCanceledException)
            {
            }

            Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
            await File.WriteAllLinesAsync(_file, _lines);
            _stop.Dispose();
        }
    }
}
