using Dentistimo.Testing;
using MassTransit;

namespace Dentistimo.Notifier.Tests.Functional;

/// <summary>
/// Counts the messages a service's bus has finished consuming (successfully or not), so a test can wait until every
/// delivery was handled and then assert that nothing more happened, instead of sleeping and hoping.
/// </summary>
public sealed class ConsumedMessages : IConsumeObserver, IDisposable
{
    private readonly ConnectHandle _handle;
    private int _started;
    private int _finished;

    private ConsumedMessages(IBus bus) => _handle = bus.ConnectConsumeObserver(this);

    public static ConsumedMessages Observe(IBus bus) => new(bus);

    public int Started => Volatile.Read(ref _started);

    public int Finished => Volatile.Read(ref _finished);

    public Task WaitUntilFinishedAsync(int count, TimeSpan timeout) =>
        Eventually.TrueAsync(() => Finished >= count, timeout, $"{count} message(s) to be consumed");

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class
    {
        Interlocked.Increment(ref _started);
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        Interlocked.Increment(ref _finished);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        Interlocked.Increment(ref _finished);
        return Task.CompletedTask;
    }

    public void Dispose() => _handle.Disconnect();
}
