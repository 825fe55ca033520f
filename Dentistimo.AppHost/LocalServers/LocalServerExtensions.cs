using Dentistimo.AppHost.LocalServers;
using HealthChecks.NpgSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Aspire.Hosting;

// Endpoints are not proxied: a stopped server then refuses connections, where DCP's proxy would accept them and leave
// the client waiting.
public static class LocalServerExtensions
{
    private static string ScriptsDirectory(IDistributedApplicationBuilder builder) =>
        Path.Combine(builder.AppHostDirectory, "LocalServers", "scripts");

    public static IResourceBuilder<ExecutableResource> AddLocalServerInstall(this IDistributedApplicationBuilder builder, string stateDirectory) =>
        builder.AddExecutable("servers-install", "bash", ScriptsDirectory(builder), "install.sh", Path.Combine(stateDirectory, "maildev"))
            .WithIconName("ArrowDownload")
            .ExcludeFromManifest();

    public static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string name, string stateDirectory, IResourceBuilder<ParameterResource> password, int port)
    {
        var postgres = new LocalPostgresResource(name, ScriptsDirectory(builder), password.Resource,
            dataDirectory: Path.Combine(stateDirectory, name, "data"), backupsDirectory: Path.Combine(stateDirectory, "backups", name));
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => ConnectionStringOf(postgres), name: healthCheckKey);
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Eventing.Subscribe<ResourceReadyEvent>(postgres, async (@event, ct) =>
        {
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            var time = @event.Services.GetRequiredService<TimeProvider>();
            await using var dataSource = NpgsqlDataSource.Create(await postgres.ConnectionStringExpression.GetValueAsync(ct) ?? "");
            foreach (var database in postgres.Databases)
            {
                await CreateDatabaseIfMissingAsync(dataSource, database.Name, ct);
                await notifications.PublishUpdateAsync(database, state => state with
                {
                    State = KnownResourceStates.Running,
                    StartTimeStamp = time.GetUtcNow().UtcDateTime,
                });
            }
        });

        return builder.AddResource(postgres)
            .WithArgs(context =>
            {
                context.Args.Add("postgres.sh", postgres.DataDirectory, postgres.PrimaryEndpoint.Property(EndpointProperty.TargetPort), postgres.BackupsDirectory);
            })
            .WithEnvironment("POSTGRES_PASSWORD", password)
            .WithEndpoint(port: port, targetPort: port, name: "tcp", scheme: "tcp", isProxied: false)
            .WithHealthCheck(healthCheckKey)
            .WithIconName("Database")
            .ExcludeFromManifest();
    }

    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgresResource> server, string name)
    {
        var database = new LocalPostgresDatabaseResource(name, server.Resource);
        server.Resource.Databases.Add(database);
        var healthCheckKey = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(_ => ConnectionStringOf(database), name: healthCheckKey);
        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [],
            })
            .WithHealthCheck(healthCheckKey)
            .WithIconName("DatabaseStack")
            .ExcludeFromManifest();
    }

    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(
        this IDistributedApplicationBuilder builder, string name, string stateDirectory, int port)
    {
        var redis = new LocalRedisResource(name, Path.Combine(stateDirectory, name));
        Directory.CreateDirectory(redis.WorkingDirectory);
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(_ => ConnectionStringOf(redis), name: healthCheckKey);
        return builder.AddResource(redis)
            .WithArgs(context =>
            {
                // A cache: nothing is worth saving, and saving forks the whole process.
                context.Args.Add("--port", redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no");
            })
            .WithEndpoint(port: port, targetPort: port, name: "tcp", scheme: "tcp", isProxied: false)
            .WithHealthCheck(healthCheckKey)
            .WithIconName("Memory")
            .ExcludeFromManifest();
    }

    public static IResourceBuilder<LocalRabbitMQResource> AddLocalRabbitMQ(
        this IDistributedApplicationBuilder builder, string name, string stateDirectory, IResourceBuilder<ExecutableResource> install,
        IResourceBuilder<ParameterResource> password, int port, int managementPort)
    {
        // Our own epmd stops with the AppHost, where RabbitMQ's daemon would outlive it; a fixed port, since the
        // broker's environment names it.
        var epmd = builder.AddExecutable($"{name}-epmd", "epmd", stateDirectory)
            .WithEndpoint(targetPort: FreeLoopbackPort(), name: "tcp", scheme: "tcp", isProxied: false)
            .WaitForCompletion(install)
            .WithIconName("PlugConnected")
            .ExcludeFromManifest();
        var epmdPort = epmd.GetEndpoint("tcp").Property(EndpointProperty.TargetPort);
        epmd.WithArgs(context => context.Args.Add("-address", "127.0.0.1", "-port", epmdPort));

        var rabbitmq = new LocalRabbitMQResource(name, ScriptsDirectory(builder), password.Resource);
        return builder.AddResource(rabbitmq)
            .WithArgs(context =>
            {
                context.Args.Add("rabbitmq.sh", Path.Combine(stateDirectory, name),
                    rabbitmq.PrimaryEndpoint.Property(EndpointProperty.TargetPort),
                    rabbitmq.GetEndpoint("management").Property(EndpointProperty.TargetPort),
                    rabbitmq.GetEndpoint("distribution").Property(EndpointProperty.TargetPort));
            })
            .WithEnvironment("RABBITMQ_USER", LocalRabbitMQResource.UserName)
            .WithEnvironment("RABBITMQ_PASSWORD", password)
            .WithEnvironment("ERL_EPMD_PORT", epmdPort)
            .WithEndpoint(port: port, targetPort: port, name: "tcp", scheme: "tcp", isProxied: false)
            .WithHttpEndpoint(port: managementPort, targetPort: managementPort, name: "management", isProxied: false)
            .WithEndpoint(name: "distribution", scheme: "tcp")
            .WithUrlForEndpoint("management", url => url.DisplayText = "Management UI")
            .WithUrlForEndpoint("tcp", url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithUrlForEndpoint("distribution", url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            // The management plugin starts after the broker's listeners, so its answer means AMQP is ready too.
            .WithHttpHealthCheck("/", endpointName: "management")
            .WithParentRelationship(epmd)
            .WaitFor(epmd)
            .WaitForCompletion(install)
            .WithIconName("Mailbox")
            .ExcludeFromManifest();
    }

    public static IResourceBuilder<MailDevResource> AddLocalMailDev(
        this IDistributedApplicationBuilder builder, string name, string stateDirectory, int smtpPort, int inboxPort)
    {
        var maildevDirectory = Path.Combine(stateDirectory, "maildev");
        var mail = new MailDevResource(name, maildevDirectory);
        return builder.AddResource(mail)
            .WithArgs(context =>
            {
                context.Args.Add(Path.Combine(maildevDirectory, "node_modules", "maildev", "bin", "maildev"),
                    "--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "--mail-directory", Path.Combine(maildevDirectory, "mail"),
                    "--smtp", mail.SmtpEndpoint.Property(EndpointProperty.TargetPort),
                    "--web", mail.GetEndpoint("http").Property(EndpointProperty.TargetPort));
            })
            .WithEndpoint(port: smtpPort, targetPort: smtpPort, name: "smtp", scheme: "tcp", isProxied: false)
            .WithHttpEndpoint(port: inboxPort, targetPort: inboxPort, name: "http", isProxied: false)
            .WithUrlForEndpoint("http", url => url.DisplayText = "Inbox")
            .WithUrlForEndpoint("smtp", url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithHttpHealthCheck("/healthz", endpointName: "http")
            .WithIconName("MailInbox")
            .ExcludeFromManifest();
    }

    private static void Add(this IList<object> args, params object[] values)
    {
        foreach (var value in values)
        {
            args.Add(value);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string ConnectionStringOf(IResourceWithConnectionString resource) =>
        // Health checks run only once the resource is running, when its endpoints, and so this value, are known.
        resource.ConnectionStringExpression.GetValueAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult()
            ?? throw new InvalidOperationException($"{resource.Name} has no connection string yet.");

    private static async Task CreateDatabaseIfMissingAsync(NpgsqlDataSource server, string name, CancellationToken ct)
    {
        await using var exists = server.CreateCommand("SELECT 1 FROM pg_database WHERE datname = $1");
        exists.Parameters.Add(new NpgsqlParameter { Value = name });
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = server.CreateCommand($"CREATE DATABASE \"{name}\"");
            await create.ExecuteNonQueryAsync(ct);
        }
    }
}
