using System.Collections.Concurrent;
using System.Net;
using System.Net.Mail;

namespace Dentistimo.Notifier.Email;

/// <summary>
/// Open SMTP connections kept between emails. An <see cref="SmtpClient"/> keeps its connection open after a message and
/// reuses it for the next, but sends one message at a time; so each email borrows a client here and gives it back.
/// Reuse saves a TCP connection, the server's greeting (MailDev waits 100 ms before it; real relays may wait longer),
/// EHLO and, on a production relay, TLS and AUTH: per email, that is most of the time it takes.
/// </summary>
public sealed class SmtpConnectionPool(SmtpSettings settings, TimeProvider timeProvider) : IDisposable
{
    /// <summary>
    /// Servers close connections that sit idle (Postfix after 300 s, others sooner); a connection idle for longer than
    /// this is closed by us first rather than found closed when the next email needs it.
    /// </summary>
    public static readonly TimeSpan MaxIdleTime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentBag<IdleConnection> _idle = [];
    private bool _disposed;

    /// <summary>A client that is not in use. <see cref="SmtpLease.Reused"/> says whether its connection served an earlier email.</summary>
    public SmtpLease Rent(TimeSpan timeout)
    {
        while (_idle.TryTake(out var idle))
        {
            if (timeProvider.GetElapsedTime(idle.Since) < MaxIdleTime)
            {
                idle.Client.Timeout = (int)timeout.TotalMilliseconds;
                return new SmtpLease(idle.Client, Reused: true);
            }

            idle.Client.Dispose(); // says QUIT
        }

        return RentNew(timeout);
    }

    /// <summary>A client that will open a new connection.</summary>
    public SmtpLease RentNew(TimeSpan timeout)
    {
        var client = new SmtpClient(settings.Host, settings.Port) { EnableSsl = settings.StartTls, Timeout = (int)timeout.TotalMilliseconds };
        if (settings.Username is not null)
        {
            client.Credentials = new NetworkCredential(settings.Username, settings.Password);
        }

        return new SmtpLease(client, Reused: false);
    }

    /// <summary>Keeps a client whose last email went through; one that failed or was cancelled may be mid-conversation and is closed.</summary>
    public void Return(SmtpLease lease, bool succeeded)
    {
        if (succeeded && !Volatile.Read(ref _disposed))
        {
            _idle.Add(new IdleConnection(lease.Client, timeProvider.GetTimestamp()));
        }
        else
        {
            lease.Client.Dispose();
        }
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        while (_idle.TryTake(out var idle))
        {
            idle.Client.Dispose();
        }
    }

    private sealed record IdleConnection(SmtpClient Client, long Since);
}

/// <summary>A client borrowed from <see cref="SmtpConnectionPool"/>; give it back with <see cref="SmtpConnectionPool.Return"/>.</summary>
public readonly record struct SmtpLease(SmtpClient Client, bool Reused);
