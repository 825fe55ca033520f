namespace Dentistimo.AppHost.LocalServers;

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

// No process of its own: created once the server answers.
public sealed class LocalPostgresDatabaseResource(string name, LocalPostgresResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresResource>, IResourceWithConnectionString
{
    public LocalPostgresResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={Name}");
}

public sealed class LocalRedisResource(string name, string workingDirectory)
    : ExecutableResource(name, "/usr/bin/redis-server", workingDirectory), IResourceWithConnectionString
{
    public EndpointReference PrimaryEndpoint => new(this, "tcp");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}

public sealed class LocalRabbitMQResource(string name, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, "bash", workingDirectory), IResourceWithConnectionString
{
    public const string UserName = "dentistimo";

    public EndpointReference PrimaryEndpoint => new(this, "tcp");

    public ParameterResource Password { get; } = password;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{UserName}:{Password}@{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}

// MailDev keeps every email sent and shows them in a web inbox.
public sealed class MailDevResource(string name, string workingDirectory)
    : ExecutableResource(name, "node", workingDirectory), IResourceWithConnectionString
{
    public EndpointReference SmtpEndpoint => new(this, "smtp");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Endpoint=smtp://{SmtpEndpoint.Property(EndpointProperty.IPV4Host)}:{SmtpEndpoint.Property(EndpointProperty.Port)}");
}
