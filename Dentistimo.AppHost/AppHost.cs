// The Dentistimo system as one Aspire application model.
//
//   dotnet run --project Dentistimo.AppHost   -> containers for the servers, the three services, the dashboard
//   azd up                                    -> the same model on Azure Container Apps, with managed
//                                                PostgreSQL and Redis (see docs/aspire.md)
//
// Resource names are part of the services' configuration contract: a reference to `bookingdb` becomes
// ConnectionStrings__bookingdb, a reference to `bookingapi` becomes services__bookingapi__http__0 / __https__0.

var builder = DistributedApplication.CreateBuilder(args);

var isPublishing = builder.ExecutionContext.IsPublishMode;

// Azure Container Apps is the deployment target of `azd up` / `aspire deploy`; it adds nothing to local runs.
builder.AddAzureContainerAppEnvironment("env");

// ---------------------------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------------------------

// PostgreSQL: Azure Database for PostgreSQL Flexible Server when published, a `postgres` container when run.
// Password authentication because the services connect with plain Npgsql connection strings (no Entra ID token
// plumbing); on Azure the connection string lives in a Key Vault that Aspire provisions next to the server.
var postgres = builder.AddAzurePostgresFlexibleServer("postgres")
    .WithPasswordAuthentication()
    .RunAsContainer(container => container.WithDataVolume());

var bookingDb = postgres.AddDatabase("bookingdb");
var notifierDb = postgres.AddDatabase("notifierdb");

// Redis: Azure Cache for Redis when published, a `cache` container when run. Access keys for the same reason as
// above: the booking API uses plain StackExchange.Redis connection strings.
var cache = builder.AddAzureRedis("cache")
    .WithAccessKeyAuthentication()
    .RunAsContainer();

// RabbitMQ stays a container in every environment (on Azure: its own container app, reachable only inside the
// Container Apps environment).
var messaging = builder.AddRabbitMQ("messaging")
    .WithManagementPlugin();

// ---------------------------------------------------------------------------------------------------------------
// Services
// ---------------------------------------------------------------------------------------------------------------

var bookingApi = builder.AddProject<Projects.Dentistimo_BookingApi>("bookingapi")
    .WithReference(bookingDb).WaitFor(bookingDb)
    .WithReference(cache).WaitFor(cache)
    .WithReference(messaging).WaitFor(messaging)
    .WithHttpHealthCheck("/health")
    .PublishAsAzureContainerApp((_, app) =>
    {
        app.Template.Scale.MinReplicas = 2;
        app.Template.Scale.MaxReplicas = 10;
    });

var web = builder.AddProject<Projects.Dentistimo_Web>("web")
    .WithExternalHttpEndpoints()
    .WithReference(messaging).WaitFor(messaging)
    // Shared Data Protection keys, so a form rendered by one replica can be posted to another.
    .WithReference(cache).WaitFor(cache)
    .WithReference(bookingApi).WaitFor(bookingApi)
    .WithHttpHealthCheck("/health")
    // Several replicas: they share their Data Protection keys through `cache` (above), and the browser's SignalR
    // connection skips negotiation, so neither needs sticky sessions.
    .PublishAsAzureContainerApp((_, app) =>
    {
        app.Template.Scale.MinReplicas = 2;
        app.Template.Scale.MaxReplicas = 10;
    });

var notifier = builder.AddProject<Projects.Dentistimo_Notifier>("notifier")
    .WithReference(notifierDb).WaitFor(notifierDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithHttpHealthCheck("/health")
    // Links in the e-mails point at the web's public address (the notifier's Email:PublicBaseUrl option).
    .WithEnvironment("Email__PublicBaseUrl", web.GetEndpoint("http"));

// Mail: the notifier reads ConnectionStrings:mail = "Endpoint=smtp://host:port".
if (isPublishing)
{
    // In production the SMTP relay is not modelled here: `mail` is a connection string parameter that azd asks
    // for at provisioning time and stores as a secret, e.g.
    // "Endpoint=smtps://smtp.example.com:465;Username=...;Password=..." (see the notifier's SmtpSettings).
    var mail = builder.AddConnectionString("mail");
    notifier.WithReference(mail);
}
else
{
    // Locally a MailDev container catches every message; its web UI (the `http` endpoint) shows them.
    var mail = builder.AddContainer("mail", "maildev/maildev", "2.2.1")
        .WithEndpoint(targetPort: 1025, scheme: "tcp", name: "smtp")
        .WithHttpEndpoint(targetPort: 1080, name: "http")
        .WithHttpHealthCheck("/healthz", endpointName: "http");

    var smtp = mail.GetEndpoint("smtp");
    notifier
        .WithEnvironment(
            "ConnectionStrings__mail",
            ReferenceExpression.Create(
                $"Endpoint=smtp://{smtp.Property(EndpointProperty.Host)}:{smtp.Property(EndpointProperty.Port)}"))
        .WaitFor(mail);
}

builder.Build().Run();
