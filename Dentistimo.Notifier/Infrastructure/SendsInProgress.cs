using Dentistimo.Notifier.Email;

namespace Dentistimo.Notifier.Infrastructure;

/// <summary>
/// The emails this process is sending or recording as sent: shutdown waits for them when MassTransit did not
/// (<see cref="IntegrationEvents.GracefulBusHostedService"/>), and another delivery of one of them sends nothing.
/// </summary>
public sealed class SendsInProgress
{
    private readonly Lock _gate = new();
    private readonly HashSet<EmailIdentity> _emails = [];
    private TaskCompletionSource? _drained;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _emails.Count;
            }
        }
    }

    /// <returns>Null when this email is in progress already.</returns>
    public Scope? TryBegin(EmailIdentity email)
    {
        lock (_gate)
        {
            return _emails.Add(email) ? new Scope(this, email) : null;
        }
    }

    public Task WhenNoneAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_emails.Count == 0)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task.WaitAsync(cancellationToken);
        }
    }

    private void End(EmailIdentity email)
    {
        TaskCompletionSource? drained = null;
        lock (_gate)
        {
            if (_emails.Remove(email) && _emails.Count == 0)
            {
                (drained, _drained) = (_drained, null);
            }
        }

        drained?.TrySetResult();
    }

    public readonly struct Scope(SendsInProgress sends, EmailIdentity email) : IDisposable
    {
        public void Dispose() => sends.End(email);
    }
}
