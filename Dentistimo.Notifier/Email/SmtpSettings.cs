using Dentistimo.ServiceDefaults;
using System.Data.Common;
using MailKit.Security;

namespace Dentistimo.Notifier.Email;

/// <summary>
/// The <c>mail</c> connection string: <c>Endpoint=smtp://host:port</c> (MailDev in development), and for a production
/// relay <c>StartTls=true</c> with <c>Username</c> and <c>Password</c>.
/// </summary>
/// <remarks>
/// TLS is by upgrading a plain connection (STARTTLS, the relay's submission port, usually 587), the one way tested
/// against a relay (MailRelayTests). A relay address for TLS from the first byte (<c>smtps://</c>, port 465) is
/// refused at start with what to write instead.
/// </remarks>
public sealed record SmtpSettings(string Host, int Port, bool StartTls, string? Username, string? Password)
{
    private const string Expected = "connection string 'ConnectionStrings:mail' needs 'Endpoint=smtp://host:port', " +
                                    "with ';StartTls=true' for TLS (port 587) and ';Username=...;Password=...' for a relay that asks.";

    public static SmtpSettings Parse(string connectionString)
    {
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!parts.TryGetValue("Endpoint", out var endpointValue) ||
            !Uri.TryCreate(endpointValue?.ToString(), UriKind.Absolute, out var endpoint))
        {
            throw new ConfigurationException(Expected);
        }

        if (endpoint.Scheme == "smtps")
        {
            throw new ConfigurationException(
                $"connection string 'ConnectionStrings:mail' asks for TLS from the first byte (smtps://), which the notifier does not use; " +
                $"give the relay's STARTTLS port instead: 'Endpoint=smtp://{endpoint.Host}:587;StartTls=true'.");
        }

        if (endpoint.Scheme != "smtp")
        {
            throw new ConfigurationException(Expected);
        }

        var startTls = false;
        if (parts.TryGetValue("StartTls", out var startTlsValue) && !bool.TryParse(startTlsValue?.ToString(), out startTls))
        {
            throw new ConfigurationException($"connection string 'ConnectionStrings:mail' has 'StartTls={startTlsValue}': it must be true or false.");
        }

        return new SmtpSettings(
            endpoint.Host,
            endpoint.IsDefaultPort || endpoint.Port < 0 ? (startTls ? 587 : 25) : endpoint.Port,
            startTls,
            parts.TryGetValue("Username", out var username) ? username?.ToString() : null,
            parts.TryGetValue("Password", out var password) ? password?.ToString() : null);
    }

    /// <summary>No TLS at all unless asked: MailKit's default would upgrade whenever the server offers it.</summary>
    public SecureSocketOptions Security => StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None;

    /// <summary>Where, and how; never the credentials, so that it can be logged.</summary>
    public override string ToString() => $"smtp://{Host}:{Port}{(StartTls ? " (STARTTLS)" : "")}";
}
