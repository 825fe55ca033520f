using Dentistimo.ServiceDefaults;
using System.Data.Common;
using MailKit.Security;

namespace Dentistimo.Notifier.Email;

/// <remarks>TLS by STARTTLS only, the one way tested against a relay; <c>smtps://</c> is refused at start.</remarks>
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

    // No TLS unless asked: MailKit's default would upgrade whenever the server offers it.
    public SecureSocketOptions Security => StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None;

    // Never the credentials, so that it can be logged.
    public override string ToString() => $"smtp://{Host}:{Port}{(StartTls ? " (STARTTLS)" : "")}";
}
