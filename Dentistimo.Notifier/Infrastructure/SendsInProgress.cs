namespace Dentistimo.Notifier.Infrastructure;

/// <summary>Lets shutdown wait for sends when MassTransit did not (<see cref="IntegrationEvents.GracefulBusHostedService"/>).</summary>
public sealed class SendsInProgress
{
    private readonly Lock _gate = new();
    private int _count;
    private TaskCompletionSource? _drained;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public Scope Begin()
    {
        lock (_gate)
        {
            _count++;
        }

        return new Scope(this);
    }

    public Task WhenNoneAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task.WaitAsync(cancellationToken);
        }
    }

    private void End()
    {
        TaskCompletionSource? drained = null;
        lock (_gate)
        {
            if (--_count == 0)
            {
                (drained, _drained) = (_drained, null);
            }
        }

        drained?.TrySetResult();
    }

    public readonly struct Scope(SendsInProgress sends) : IDisposable
    {
        public void Dispose() => sends.End();
    }
}
