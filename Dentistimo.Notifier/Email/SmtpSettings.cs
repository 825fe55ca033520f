using System.Data.Common;

namespace Dentistimo.Notifier.Email;

/// <summary>
/// The <c>mail</c> connection string: <c>Endpoint=smtp://host:port</c> (MailDev in development), with
/// <c>smtps://</c> for TLS and optional <c>Username</c> and <c>Password</c> for a production relay.
/// </summary>
public sealed record SmtpSettings(string Host, int Port, bool UseTls, string? Username, string? Password)
{
    public static SmtpSettings Parse(string connectionString)
    {
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!parts.TryGetValue("Endpoint", out var endpointValue) ||
            !Uri.TryCreate(endpointValue?.ToString(), UriKind.Absolute, out var endpoint) ||
            endpoint.Scheme is not ("smtp" or "smtps"))
        {
            throw new ConfigurationException(
                "connection string 'ConnectionStrings:mail' needs 'Endpoint=smtp://host:port' (or smtps:// for TLS).");
        }

        var useTls = endpoint.Scheme == "smtps";
        return new SmtpSettings(
            endpoint.Host,
            endpoint.IsDefaultPort ? (useTls ? 465 : 25) : endpoint.Port,
            useTls,
            parts.TryGetValue("Username", out var username) ? username?.ToString() : null,
            parts.TryGetValue("Password", out var password) ? password?.ToString() : null);
    }

    public override string ToString() => $"{(UseTls ? "smtps" : "smtp")}://{Host}:{Port}";
}
