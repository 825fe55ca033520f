namespace Dentistimo.AppHost.LocalServers;

/// <summary>PostgreSQL 15 from Debian, run by <c>scripts/postgres.sh</c>.</summary>
/// <param name="dataDirectory">The cluster's data directory.</param>
/// <param name="backupsDirectory">Its backups and its WAL archive (<see cref="PostgresBackups"/>).</param>
public sealed class LocalPostgresResource(
    string name, string workingDirectory, ParameterResource password, string dataDirectory, string backupsDirectory)
    : ExecutableResource(name, "bash", workingDirectory), IResourceWithConnectionString
{
    public const string UserName = "postgres";

    public string DataDirectory { get; } = dataDirectory;

    public string BackupsDirectory { get; } = backupsDirectory;

    public EndpointReference PrimaryEndpoint => new(this, "tcp");

    public ParameterResource Password { get; } = password;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={Password}");

    public List<LocalPostgresDatabaseResource> Databases { get; } = [];
}

/// <summary>A database on a <see cref="LocalPostgresResource"/>: no process of its own, created once the server answers.</summary>
public sealed class LocalPostgresDatabaseResource(string name, LocalPostgresResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresResource>, IResourceWithConnectionString
{
    public LocalPostgresResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={Name}");
}

/// <summary>Redis 7 from Debian, as a cache: nothing is persisted.</summary>
public sealed class LocalRedisResource(string name, string workingDirectory)
    : ExecutableResource(name, "/usr/bin/redis-server", workingDirectory), IResourceWithConnectionString
{
    public EndpointReference PrimaryEndpoint => new(this, "tcp");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}

/// <summary>RabbitMQ 3.10 from Debian with its management plugin, run by <c>scripts/rabbitmq.sh</c>.</summary>
public sealed class LocalRabbitMQResource(string name, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, "bash", workingDirectory), IResourceWithConnectionString
{
    public const string UserName = "dentistimo";

    public EndpointReference PrimaryEndpoint => new(this, "tcp");

    public ParameterResource Password { get; } = password;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{UserName}:{Password}@{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}

/// <summary>MailDev 2.2.1 from npm: an SMTP server that keeps every email and shows them in a web inbox.</summary>
public sealed class MailDevResource(string name, string workingDirectory)
    : ExecutableResource(name, "node", workingDirectory), IResourceWithConnectionString
{
    public EndpointReference SmtpEndpoint => new(this, "smtp");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Endpoint=smtp://{SmtpEndpoint.Property(EndpointProperty.IPV4Host)}:{SmtpEndpoint.Property(EndpointProperty.Port)}");
}
