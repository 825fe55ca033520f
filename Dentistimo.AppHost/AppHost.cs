// The Dentistimo system as one Aspire application model.
//
//   dotnet run --project Dentistimo.AppHost   -> containers for the servers, the three services, the dashboard
//   azd up                                    -> the same model on Azure Container Apps, with managed
//                                                PostgreSQL and Redis (see docs/aspire.md)
//
// Resource names are part of the services' configuration contract: a reference to `bookingdb` becomes
// ConnectionStrings__bookingdb, a reference to `bookingapi` becomes services__bookingapi__http__0 / __https__0.

using System.Globalization;
using Azure.Provisioning.AppContainers;
using Azure.Provisioning.PostgreSql;
using Azure.Provisioning.RedisEnterprise;

var builder = DistributedApplication.CreateBuilder(args);

var isPublishing = builder.ExecutionContext.IsPublishMode;

// ---------------------------------------------------------------------------------------------------------------
// Capacity on Azure (R4.1-R4.3): every number that scaling and the services' own limits depend on, in one place.
// Locally one replica of each service runs with the services' defaults, the same the launcher uses.
// ---------------------------------------------------------------------------------------------------------------

// Two replicas at all times for what the booking path goes through (web, bookingapi): losing one, or a rolling
// deploy, leaves the other serving while a replacement starts.
const int MinReplicas = 2;

// BookingApi admits this many booking decisions at once per replica (RateLimits:ConcurrentBookings; more wait in
// its queue, then get 429). Each one holds a PostgreSQL connection while it decides, so it stays below the Npgsql
// pool (100 per replica, Npgsql's default Maximum Pool Size) with room left for availability reads and the outbox.
const int ConcurrentBookingsPerReplica = 64;

// ACA adds a bookingapi replica when the replicas average more concurrent requests than this: at half of what the
// limiter admits, so a new replica is up (tens of seconds) before the limiter starts queueing. ACA counts every
// request, reads included, so mixed traffic scales out earlier still, never later.
const int BookingApiScaleOutAt = ConcurrentBookingsPerReplica / 2;

// The web has no admission limit of its own (every page waits on BookingApi, which has one). 100 concurrent
// requests per replica is a starting point, not a measurement on ACA: the web benchmark (bench/, README) against a
// deployed replica is how to tune it.
const int WebScaleOutAt = 100;

// Emails one notifier replica sends at once (Delivery:ConcurrentMessageLimit), and the unacknowledged messages
// RabbitMQ hands it (Delivery:PrefetchCount, no more than it works on; see DeliveryOptions). KEDA adds a replica for
// every this-many messages waiting in the queue: one replica's worth of work waiting per replica.
const int EmailsAtOncePerNotifier = 32;

// Maximum replicas. Every replica's Npgsql pool may grow to 100 connections, so the replicas that can exist at once
// must fit PostgreSQL's connection limit: (10 bookingapi + 5 notifier) x 100 = 1,500 <= 1,703 user connections of
// Standard_D4ds_v5 (max_connections 1,718, less the 15 Azure reserves). Raising a maximum means checking this sum,
// or the SKU below. The notifier's maximum also bounds the SMTP connections it opens: 5 x 32 = 160 at most, which
// the SMTP relay must accept.
const int BookingApiMaxReplicas = 10;
const int WebMaxReplicas = 10;
const int NotifierMaxReplicas = 5;

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
    .ConfigureInfrastructure(infrastructure =>
    {
        var server = infrastructure.GetProvisionableResources().OfType<PostgreSqlFlexibleServer>().Single();

        // Aspire's default is Burstable B1ms, which offers no high availability and 35 user connections. General
        // Purpose is the smallest tier with HA; 4 vCores for the connection budget above and for the booking
        // decisions, which all commit here (the one thing that does not scale out).
        server.Sku = new PostgreSqlFlexibleServerSku
        {
            Name = "Standard_D4ds_v5",
            Tier = PostgreSqlFlexibleServerSkuTier.GeneralPurpose,
        };

        // R4.7: a standby in another availability zone, replicated synchronously, so a commit the API acknowledged
        // survives the loss of the primary's zone, and the service fails over on its own (60-120 s). Aspire puts the
        // primary in zone 1. The region must have availability zones.
        server.HighAvailability = new PostgreSqlFlexibleServerHighAvailability
        {
            Mode = PostgreSqlFlexibleServerHighAvailabilityMode.ZoneRedundant,
            StandbyAvailabilityZone = "2",
        };

        // R4.6 on Azure: automated backups with point-in-time restore over the longest retention offered, copied to
        // the paired region so the databases can be restored there if this region is lost. Geo-redundancy can only
        // be chosen when the server is created.
        server.Backup = new PostgreSqlFlexibleServerBackupProperties
        {
            BackupRetentionDays = 35,
            GeoRedundantBackup = PostgreSqlFlexibleServerGeoRedundantBackupEnum.Enabled,
        };
    })
    .RunAsContainer(container => container.WithDataVolume());

var bookingDb = postgres.AddDatabase("bookingdb");
var notifierDb = postgres.AddDatabase("notifierdb");

// Redis: Azure Managed Redis when published, a `cache` container when run. (Aspire 13.1 marks AddAzureRedis, Azure
// Cache for Redis, obsolete: that service is being retired in favour of Azure Managed Redis.) Access keys for the
// same reason as above: the services use plain StackExchange.Redis connection strings, here "host:10000,ssl=true,
// password=...".
var cache = builder.AddAzureManagedRedis("cache")
    .WithAccessKeyAuthentication()
    .ConfigureInfrastructure(infrastructure =>
    {
        // High availability (a replica on a second node, in another zone where the region has zones) is what the
        // SLA needs. It is the service's default; said here so that nobody turns it off to save money.
        var cluster = infrastructure.GetProvisionableResources().OfType<RedisEnterpriseCluster>().Single();
        cluster.HighAvailability = RedisEnterpriseHighAvailability.Enabled;

        // The service's default clustering policy, OSS, needs cluster-aware clients and keeps multi-key commands to
        // one hash slot; the availability cache reads a range of days with one MGET over many keys. The Enterprise
        // policy serves one plain endpoint and allows MGET across slots. It can only be chosen when the database
        // is created.
        var database = infrastructure.GetProvisionableResources().OfType<RedisEnterpriseDatabase>().Single();
        database.ClusteringPolicy = RedisEnterpriseClusteringPolicy.EnterpriseCluster;
    })
    .RunAsContainer();

// RabbitMQ stays a container in every environment: Azure has no managed RabbitMQ. On Azure it is a single container
// app, reachable only inside the Container Apps environment. It is not on the booking path: a booking is committed
// with its events in the outbox, and the outbox is published once RabbitMQ answers, so while it is down emails and
// live updates wait, bookings do not.
var messaging = builder.AddRabbitMQ("messaging")
    .WithManagementPlugin()
    // Exactly one broker: a second replica would be a second, separate broker behind the same name, splitting the
    // queues, on the same files.
    .PublishAsAzureContainerApp((_, app) =>
    {
        app.Template.Scale.MinReplicas = 1;
        app.Template.Scale.MaxReplicas = 1;
    });

if (isPublishing)
{
    // The outbox deletes an event once RabbitMQ confirmed it, so from then on the broker's disk is the only copy:
    // it must outlive the container (Container Apps restarts and moves replicas). The volume is an Azure Files (SMB)
    // share, which cannot keep the Erlang cookie private, so only the node's data directory goes there; a fixed
    // node name keeps that directory the same across restarts (by default it is named after the host).
    messaging
        .WithVolume("messaging-data", "/var/lib/rabbitmq/mnesia")
        .WithEnvironment("RABBITMQ_NODENAME", "rabbit@localhost");
}

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
        app.Template.Scale.MinReplicas = MinReplicas;
        app.Template.Scale.MaxReplicas = BookingApiMaxReplicas;
        app.Template.Scale.Rules = [ScaleOnConcurrentRequests(BookingApiScaleOutAt)];
    });

if (isPublishing)
{
    bookingApi.WithEnvironment("RateLimits__ConcurrentBookings", AsText(ConcurrentBookingsPerReplica));
}

// BookingApi seals the patient's name and email address in the events it publishes, and only the notifier opens them, so
// that RabbitMQ's queues (the error queue, which anyone with the management UI can read, included) never hold them
// readable: one generated key for both, kept in user secrets locally and in the deployment on Azure. To rotate it, give
// the notifier the old one as RecipientSeal__PreviousKey until no event sealed with it remains (docs/notifier.md).
var recipientSealKey = builder.AddParameter(
    "recipient-seal-key", new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);
bookingApi.WithEnvironment("RecipientSeal__Key", recipientSealKey);

var web = builder.AddProject<Projects.Dentistimo_Web>("web")
    .WithExternalHttpEndpoints()
    .WithReference(messaging).WaitFor(messaging)
    .WithReference(bookingApi).WaitFor(bookingApi)
    .WithHttpHealthCheck("/health")
    // Several replicas without sticky sessions: the booking form carries nothing a replica must recognise (no
    // antiforgery token: cross-site posts are refused by their Fetch Metadata), and the browser's SignalR connection
    // skips negotiation.
    .PublishAsAzureContainerApp((_, app) =>
    {
        app.Template.Scale.MinReplicas = MinReplicas;
        app.Template.Scale.MaxReplicas = WebMaxReplicas;
        app.Template.Scale.Rules = [ScaleOnConcurrentRequests(WebScaleOutAt)];
    });

// Every web replica must derive the same request id from a form sent without scripts (a second replica would make a
// second booking request of it), and from a secret, since request ids are logged: one generated key, kept in user
// secrets locally and in the deployment on Azure.
var noScriptRequestIdKey = builder.AddParameter(
    "web-request-id-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
web.WithEnvironment("NoScriptRequestIds__Key", noScriptRequestIdKey);

if (isPublishing)
{
    // Container Apps' ingress is the only way in, and it passes the client's address on in X-Forwarded-For: the web's
    // per-client booking limit counts by that address, not the ingress's (ASP.NET Core's forwarded-headers middleware).
    web.WithEnvironment("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true");
}

var notifier = builder.AddProject<Projects.Dentistimo_Notifier>("notifier")
    .WithReference(notifierDb).WaitFor(notifierDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithHttpHealthCheck("/health")
    // Links in the e-mails point at the web's public address (the notifier's Email:PublicBaseUrl option).
    .WithEnvironment("Email__PublicBaseUrl", WebsPublicAddress(web.GetEndpoint("http"), isPublishing))
    // Emails are not on the booking path: one replica is enough while the queue is short (a dead replica's
    // unacknowledged messages go back to the queue), and KEDA adds replicas while booking outcomes pile up.
    .PublishAsAzureContainerApp((_, app) =>
    {
        app.Template.Scale.MinReplicas = 1;
        app.Template.Scale.MaxReplicas = NotifierMaxReplicas;
        app.Template.Scale.Rules =
        [
            new ContainerAppScaleRule
            {
                Name = "booking-outcomes-backlog",
                Custom = new ContainerAppCustomScaleRule
                {
                    CustomScaleRuleType = "rabbitmq",
                    Metadata =
                    {
                        // BookingOutcomeQueue.Name in Dentistimo.Notifier.
                        { "queueName", "notifier-booking-outcomes" },
                        // Over AMQP KEDA counts the messages ready for delivery, not those a replica holds already.
                        { "protocol", "amqp" },
                        { "mode", "QueueLength" },
                        { "value", AsText(EmailsAtOncePerNotifier) },
                        { "vhostName", "/" },
                    },
                    // KEDA connects with the notifier's own AMQP connection string: Aspire already keeps it in a
                    // container app secret (the password makes it one), so the rule names that secret rather than
                    // holding a second copy of the password.
                    Auth =
                    [
                        new ContainerAppScaleRuleAuth
                        {
                            SecretRef = SecretHolding(app, "ConnectionStrings__messaging"),
                            TriggerParameter = "host",
                        },
                    ],
                },
            },
        ];
    });

notifier.WithEnvironment("RecipientSeal__Key", recipientSealKey);

if (isPublishing)
{
    notifier
        .WithEnvironment("Delivery__ConcurrentMessageLimit", AsText(EmailsAtOncePerNotifier))
        .WithEnvironment("Delivery__PrefetchCount", AsText(EmailsAtOncePerNotifier));
}

// Mail: the notifier reads ConnectionStrings:mail = "Endpoint=smtp://host:port".
if (isPublishing)
{
    // In production the SMTP relay is not modelled here: `mail` is a connection string parameter that azd asks
    // for at provisioning time and stores as a secret, e.g.
    // "Endpoint=smtp://smtp.example.com:587;StartTls=true;Username=...;Password=..." (see the notifier's SmtpSettings).
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

// The web has only an http endpoint, which Container Apps' ingress serves on https at the same host (and redirects
// http to): the links patients receive by email say https there, rather than sending booking ids in clear text first.
static ReferenceExpression WebsPublicAddress(EndpointReference http, bool isPublishing) => isPublishing
    ? ReferenceExpression.Create($"https://{http.Property(EndpointProperty.Host)}")
    : ReferenceExpression.Create($"{http}");

// Replaces ACA's default HTTP rule (10 concurrent requests) with ours.
static ContainerAppScaleRule ScaleOnConcurrentRequests(int concurrentRequests) => new()
{
    Name = "http-concurrency",
    Http = new ContainerAppHttpScaleRule
    {
        Metadata = { { "concurrentRequests", AsText(concurrentRequests) } },
    },
};

// The container app secret Aspire created for an environment variable with a secret value. Aspire has filled the
// container's environment by the time PublishAsAzureContainerApp's callback runs; looking the name up, rather than
// spelling Aspire's naming scheme here, fails the publish loudly if that ever changes.
static string SecretHolding(ContainerApp app, string environmentVariable)
{
    foreach (var container in app.Template.Containers)
    {
        if (container.Value is not { } definition)
        {
            continue;
        }

        foreach (var variable in definition.Env)
        {
            if (variable.Value is { } env && env.Name.Value == environmentVariable
                && env.SecretRef.Value is { Length: > 0 } secret)
            {
                return secret;
            }
        }
    }

    throw new InvalidOperationException(
        $"Container app '{app.Name.Value}' keeps no secret behind {environmentVariable}, so its scale rule cannot "
        + "authenticate.");
}

static string AsText(int value) => value.ToString(CultureInfo.InvariantCulture);
