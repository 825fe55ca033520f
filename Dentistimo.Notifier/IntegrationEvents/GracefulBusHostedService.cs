using Dentistimo.Notifier.Infrastructure;

namespace Dentistimo.Notifier.IntegrationEvents;

/// <summary>
/// Waits for the emails being sent even when the bus faults while stopping, since an email cut off would be sent again.
/// </summary>
public sealed class GracefulBusHostedService(IHostedService bus, SendsInProgress sends, ILogger<GracefulBusHostedService> logger)
    : IHostedService, IAsyncDisposable
{
    public Task StartAsync(CancellationToken cancellationToken) => bus.StartAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await bus.StopAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "The message bus faulted while stopping; waiting for the {Count} emails being sent", sends.Count);
        }

        try
        {
            await sends.WhenNoneAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Shutdown timed out with {Count} emails still being sent; their events go back to the queue", sends.Count);
        }
    }

    public ValueTask DisposeAsync() => bus is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}
