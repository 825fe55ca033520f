namespace Dentistimo.LocalServers;

/// <summary>How <see cref="DentistimoSystem"/> runs the services; the defaults are the launcher's.</summary>
public sealed record DentistimoSystemOptions
{
    /// <summary>The build whose output is run: each project's bin/{Configuration}/net10.0.</summary>
    public string Configuration { get; init; } = "Release";

    /// <summary>ASPNETCORE_ENVIRONMENT for the services: Development, as under the AppHost, unless a benchmark wants Production.</summary>
    public string Environment { get; init; } = "Development";

    public string BookingDatabase { get; init; } = "bookingdb";

    public string NotifierDatabase { get; init; } = "notifierdb";

    /// <summary>The services' RabbitMQ connection string; null for the default virtual host. Tests pass a fresh one from <see cref="RabbitMqServer.CreateVirtualHostAsync"/>.</summary>
    public string? Messaging { get; init; }

    /// <summary>
    /// BookingApi's Booking:CacheKeyPrefix; null for its default. A system on databases of its own next to another one
    /// (the launcher's) needs a prefix of its own too, or each would read the other's cached availability from Redis.
    /// </summary>
    public string? CacheKeyPrefix { get; init; }

    /// <summary>The notifier's mail server (ConnectionStrings:mail); null for MailDev.</summary>
    public string? Mail { get; init; }

    /// <summary>
    /// A PEM file of the certificate authorities the notifier trusts instead of the system's (OpenSSL's SSL_CERT_FILE,
    /// which .NET reads on Linux): for a mail server whose certificate comes from a private authority. Null for the system's.
    /// </summary>
    public string? NotifierTrustedAuthorities { get; init; }

    /// <summary>RecipientSeal:Key outside Development; null for a new random one. The key of the manage links too.</summary>
    public string? RecipientSealKey { get; init; }

    public int WebPort { get; init; } = 5080;

    public int BookingApiPort { get; init; } = 5081;

    public int NotifierPort { get; init; } = 5082;

    /// <summary>Receives every line the services print, prefixed with the service's name. Each service's log file gets them regardless.</summary>
    public Action<string>? Output { get; init; }

    /// <summary>How long a service may take to answer GET /health with 200 (it migrates its database first).</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
