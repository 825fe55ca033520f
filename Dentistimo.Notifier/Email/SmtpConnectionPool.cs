using System.Collections.Concurrent;
using System.Net;
using MailKit.Net.Smtp;

namespace Dentistimo.Notifier.Email;

/// <summary>
/// Connected MailKit clients kept between emails, at most <see cref="MaxConnections"/> of them in use or idle. A client
/// sends one message at a time, so each email borrows one here and gives it back. Reuse saves a TCP connection, the
/// server's greeting (MailDev waits 100 ms before it; real relays may wait longer), EHLO and, on a production relay,
/// STARTTLS and AUTH: per email, that is most of the time it takes.
/// </summary>
public sealed class SmtpConnectionPool : IAsyncDisposable, IDisposable
{
    /// <summary>
    /// Servers close connections that sit idle (Postfix after 300 s, others sooner); a connection idle for longer than
    /// this is closed by us first rather than found closed when the next email needs it.
    /// </summary>
    public static readonly TimeSpan MaxIdleTime = TimeSpan.FromSeconds(30);

    private readonly SmtpSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _slots;

    // Last in, first out: the busiest connections stay warm, the rest age out past MaxIdleTime.
    private readonly ConcurrentStack<IdleConnection> _idle = [];
    private bool _disposed;

    /// <param name="maxConnections">Emails sent at once (Delivery:ConcurrentMessageLimit): more connections would never be used.</param>
    public SmtpConnectionPool(SmtpSettings settings, TimeProvider timeProvider, int maxConnections)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        _settings = settings;
        _timeProvider = timeProvider;
        MaxConnections = maxConnections;
        _slots = new SemaphoreSlim(maxConnections, maxConnections);
    }

    public int MaxConnections { get; }

    /// <summary>
    /// A connected client, logged in if the settings say so, waiting while all <see cref="MaxConnections"/> are lent.
    /// <see cref="SmtpLease.Reused"/> says whether its connection served an earlier email.
    /// </summary>
    public Task<SmtpLease> RentAsync(CancellationToken cancellationToken) => RentAsync(reuse: true, cancellationToken);

    /// <summary>A client on a connection opened for this email.</summary>
    public Task<SmtpLease> RentNewAsync(CancellationToken cancellationToken) => RentAsync(reuse: false, cancellationToken);

    /// <summary>Keeps a client whose last email went through; one that failed or was cancelled may be mid-conversation and is closed.</summary>
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

    /// <summary>Connects, says EHLO and, as the settings ask, STARTTLS and AUTH.</summary>
    internal static async Task<SmtpClient> ConnectAsync(SmtpSettings settings, TimeSpan timeout, bool logIn, CancellationToken cancellationToken)
    {
        var client = new SmtpClient
        {
            // Bounds each read and write; callers bound the whole conversation with their token.
            Timeout = (int)timeout.TotalMilliseconds,
            // As before MailKit, no revocation check: MailKit's default fetches CRLs online and refuses a relay
            // whose private authority publishes none (SSL_CERT_FILE's, as in MailRelayTests).
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

    /// <summary>Closes the idle connections without QUIT, for a container disposed synchronously.</summary>
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

    /// <summary>Says goodbye to the server, as it likes, if it still listens; closing is all that matters here.</summary>
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

/// <summary>A client borrowed from <see cref="SmtpConnectionPool"/>; give it back with <see cref="SmtpConnectionPool.Return"/>.</summary>
public readonly record struct SmtpLease(SmtpClient Client, bool Reused);
