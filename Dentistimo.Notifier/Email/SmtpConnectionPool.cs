using System.Collections.Concurrent;
using System.Net;
using MailKit.Net.Smtp;

namespace Dentistimo.Notifier.Email;

/// <summary>
/// Reuse saves a TCP connection, the server's greeting, EHLO, STARTTLS and AUTH: most of an email's time.
/// </summary>
public sealed class SmtpConnectionPool : IAsyncDisposable, IDisposable
{
    // Servers close idle connections (Postfix after 300 s); closing ours first beats finding it closed at the next email.
    public static readonly TimeSpan MaxIdleTime = TimeSpan.FromSeconds(30);

    private readonly SmtpSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _slots;

    // Last in, first out: the busiest connections stay warm, the rest age out past MaxIdleTime.
    private readonly ConcurrentStack<IdleConnection> _idle = [];
    private bool _disposed;

    public SmtpConnectionPool(SmtpSettings settings, TimeProvider timeProvider, int maxConnections)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        _settings = settings;
        _timeProvider = timeProvider;
        MaxConnections = maxConnections;
        _slots = new SemaphoreSlim(maxConnections, maxConnections);
    }

    public int MaxConnections { get; }

    public Task<SmtpLease> RentAsync(CancellationToken cancellationToken) => RentAsync(reuse: true, cancellationToken);

    public Task<SmtpLease> RentNewAsync(CancellationToken cancellationToken) => RentAsync(reuse: false, cancellationToken);

    // One that failed or was cancelled may be mid-conversation, so it is closed.
    public void Return(SmtpLease lease, bool succeeded)
    {
        if (succeeded && lease.Client.IsConnected && !Volatile.Read(ref _disposed))
        {
            _idle.Push(new IdleConnection(lease.Client, _timeProvider.GetTimestamp()));
        }
        else
        {
            lease.Client.Dispose(); // closes the socket without QUIT, which a broken conversation could not answer
        }

        _slots.Release();
    }

    internal static async Task<SmtpClient> ConnectAsync(SmtpSettings settings, TimeSpan timeout, bool logIn, CancellationToken cancellationToken)
    {
        var client = new SmtpClient
        {
            Timeout = (int)timeout.TotalMilliseconds,
            // MailKit's default fetches CRLs online and refuses a relay whose private authority publishes none.
            CheckCertificateRevocation = false,
        };
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, settings.Security, cancellationToken);
            // Credentials go only to a server that offers AUTH; one that wants them anyway refuses MAIL with 530, retried.
            if (logIn && settings.Username is not null && client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
            {
                await client.AuthenticateAsync(new NetworkCredential(settings.Username, settings.Password), cancellationToken);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        while (_idle.TryPop(out var idle))
        {
            idle.Client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, true);
        while (_idle.TryPop(out var idle))
        {
            await QuitAsync(idle.Client);
        }
    }

    private async Task<SmtpLease> RentAsync(bool reuse, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        await _slots.WaitAsync(cancellationToken);
        try
        {
            while (reuse && _idle.TryPop(out var idle))
            {
                if (idle.Client.IsConnected && _timeProvider.GetElapsedTime(idle.Since) < MaxIdleTime)
                {
                    return new SmtpLease(idle.Client, Reused: true);
                }

                await QuitAsync(idle.Client);
            }

            return new SmtpLease(await ConnectAsync(_settings, SmtpEmailSender.Deadline, logIn: true, cancellationToken), Reused: false);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    private async Task QuitAsync(SmtpClient client)
    {
        using var _ = client;
        if (!client.IsConnected)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1), _timeProvider);
        try
        {
            await client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (Exception exception) when (SmtpEmailSender.Classify(exception) is not null || exception is OperationCanceledException)
        {
        }
    }

    private sealed record IdleConnection(SmtpClient Client, long Since);
}

public readonly record struct SmtpLease(SmtpClient Client, bool Reused);
