// Resource names are the services' configuration contract: `bookingdb` becomes ConnectionStrings__bookingdb,
// `bookingapi` becomes services__bookingapi__http__0.

var builder = DistributedApplication.CreateBuilder(args);

var postgresPassword = builder.AddParameter("postgres-password", Generated(22), secret: true, persist: true);
var messagingPassword = builder.AddParameter("messaging-password", Generated(22), secret: true, persist: true);
// BookingApi seals the recipient in its events, and only the notifier opens it (docs/notifier.md).
var recipientSealKey = builder.AddParameter("recipient-seal-key", Generated(64), secret: true, persist: true);
var notifierAdminKey = builder.AddParameter("notifier-admin-key", Generated(32), secret: true, persist: true);

IResourceBuilder<IResourceWithConnectionString> bookingDb, notifierDb, cache, messaging, mail;
if (builder.ExecutionContext.IsPublishMode)
{
    // Azure (docs/aspire.md): managed PostgreSQL, Redis and SMTP relay by connection string; RabbitMQ a container.
    bookingDb = builder.AddConnectionString("bookingdb");
    notifierDb = builder.AddConnectionString("notifierdb");
    cache = builder.AddConnectionString("cache");
    // Only mnesia on the share (the Erlang cookie must stay owner-only, which SMB cannot do), and a node name that
    // survives a move to another host.
    messaging = builder.AddRabbitMQ("messaging", password: messagingPassword)
        .WithVolume("messaging-data", "/var/lib/rabbitmq/mnesia")
        .WithEnvironment("RABBITMQ_NODENAME", "rabbit@localhost");
    mail = builder.AddConnectionString("mail");
}
else if (string.Equals(builder.Configuration["Servers:RunAs"], "Containers", StringComparison.OrdinalIgnoreCase))
{
    // Where Docker or Podman answers: Aspire's own server integrations.
    var postgres = builder.AddPostgres("postgres", password: postgresPassword).WithDataVolume();
    bookingDb = postgres.AddDatabase("bookingdb");
    notifierDb = postgres.AddDatabase("notifierdb");
    cache = builder.AddRedis("cache");
    messaging = builder.AddRabbitMQ("messaging", password: messagingPassword).WithManagementPlugin(port: 15672);
    var maildev = builder.AddContainer("maildev", "maildev/maildev", "2.2.1")
        .WithEndpoint(targetPort: 1025, port: 1025, name: "smtp", scheme: "tcp")
        .WithHttpEndpoint(targetPort: 1080, port: 1080, name: "http")
        .WithHttpHealthCheck("/healthz", endpointName: "http");
    var smtp = maildev.GetEndpoint("smtp");
    mail = builder.AddConnectionString("mail",
            ReferenceExpression.Create($"Endpoint=smtp://{smtp.Property(EndpointProperty.Host)}:{smtp.Property(EndpointProperty.Port)}"))
        .WaitFor(maildev);
}
else
{
    // Without a container engine: Debian's packages and npm, installed where missing (docs/aspire.md).
    var state = Path.GetFullPath(builder.Configuration["Servers:StateDirectory"] ?? "../.local/apphost", builder.AppHostDirectory);
    // So that the tests' run of this model never takes a developer's ports.
    var offset = builder.Configuration["Servers:PortOffset"] is not { Length: > 0 } portOffset ? 0
        : int.TryParse(portOffset, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed
        : throw new DistributedApplicationException(
            $"'Servers:PortOffset' is '{portOffset}', which is not a whole number (environment variable Servers__PortOffset).");
    var install = builder.AddLocalServerInstall(state);
    // Not PostgreSQL's default 5432: Npgsql's spans leave a default port out, and the dashboard links a span to its
    // resource by address and port.
    var postgres = builder.AddLocalPostgres("postgres", state, postgresPassword, port: 5433 + offset).WaitForCompletion(install).WithBackups();
    bookingDb = postgres.AddDatabase("bookingdb");
    notifierDb = postgres.AddDatabase("notifierdb");
    cache = builder.AddLocalRedis("cache", state, port: 6379 + offset).WaitForCompletion(install);
    messaging = builder.AddLocalRabbitMQ("messaging", state, install, messagingPassword, port: 5672 + offset, managementPort: 15672 + offset);
    mail = builder.AddLocalMailDev("mail", state, smtpPort: 1025 + offset, inboxPort: 1080 + offset).WaitForCompletion(install);
}

var bookingApi = builder.AddProject<Projects.Dentistimo_BookingApi>("bookingapi")
    .WithReference(bookingDb).WaitFor(bookingDb)
    .WithReference(cache).WaitFor(cache)
    .WithReference(messaging).WaitFor(messaging)
    .WithEnvironment("RecipientSeal__Key", recipientSealKey)
    .WithHttpHealthCheck("/health");

var web = builder.AddProject<Projects.Dentistimo_Web>("web")
    .WithExternalHttpEndpoints()
    .WithReference(messaging).WaitFor(messaging)
    .WithReference(bookingApi).WaitFor(bookingApi)
    .WithHttpHealthCheck("/health");

if (builder.ExecutionContext.IsPublishMode)
{
    // The ingress's subnet (infra/resources.bicep): without it every patient would share the ingress's rate limit.
    web.WithEnvironment("ForwardedHeaders__KnownNetworks__0", "10.40.0.0/23");
}

builder.AddProject<Projects.Dentistimo_Notifier>("notifier")
    .WithReference(notifierDb).WaitFor(notifierDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithReference(mail).WaitFor(mail)
    .WithEnvironment("RecipientSeal__Key", recipientSealKey)
    .WithEnvironment("Email__PublicBaseUrl", web.GetEndpoint("http"))
    .WithErrorQueueRedrive(notifierAdminKey)
    .WithHttpHealthCheck("/health");

builder.Build().Run();

static GenerateParameterDefault Generated(int length) => new() { MinLength = length, Special = false };
