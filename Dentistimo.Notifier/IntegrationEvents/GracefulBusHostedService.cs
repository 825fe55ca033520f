using Dentistimo.Notifier.Infrastructure;

namespace Dentistimo.Notifier.IntegrationEvents;

/// <summary>
/// MassTransit's hosted service (<paramref name="bus"/>), with a stop that lets the emails being sent finish even when
/// MassTransit's own stop faults, and that ends the process normally.
/// </summary>
/// <remarks>
/// MassTransit 8.4 can fault as it stops the receive endpoint: cancelling the messages in hand races with one of them
/// being acknowledged at that moment, and reads a half-cleared field (a NullReferenceException in
/// PendingReceiveLockContext.Cancel, seen once in a rolling-restart fault test). The fault skips MassTransit's wait for
/// the messages in hand, and, thrown on out of the host's stop, ended the process with SIGABRT (exit code 134). Here it is
/// logged, and the stop waits for the sends in progress itself: an email cut off midway would be sent again from the
/// redelivered event. Messages not acknowledged go back to the queue when the connection closes.
/// </remarks>
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
