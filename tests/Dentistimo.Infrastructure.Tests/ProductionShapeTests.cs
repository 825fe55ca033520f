using Dentistimo.BookingApi.Apis;
using System.Text.Json.Nodes;
using Dentistimo.Notifier.IntegrationEvents;
using Microsoft.Extensions.Hosting;

namespace Dentistimo.Infrastructure.Tests;

/// <summary>What issue #24 asks of production (R4.1–R4.3, R4.6), read from the compiled template, and the scale rules
/// against the services' own limits, so that changing a limit in code fails here until the rule follows.</summary>
public sealed class ProductionShapeTests
{
    private static readonly Lazy<Task<Deployment>> s_deployment = new(Deployment.CompileAsync);

    [Fact]
    public async Task Web_and_BookingApi_run_at_least_two_replicas_and_scale_on_HTTP_concurrency()
    {
        var apps = (await s_deployment.Value).ContainerApps();

        foreach (var name in new[] { "web", "bookingapi" })
        {
            var scale = ContainerAppView.Of(apps[name]).Scale;
            Assert.True((int)scale["minReplicas"]! >= 2, $"{name} runs fewer than 2 replicas.");
            Assert.True((int)scale["maxReplicas"]! > (int)scale["minReplicas"]!);
            Assert.NotNull(Assert.Single(scale["rules"]!.AsArray())!["http"]);
        }
    }

    [Fact]
    public async Task BookingApi_scales_out_at_half_of_its_own_concurrency_limit()
    {
        var scale = ContainerAppView.Of((await s_deployment.Value).ContainerApps()["bookingapi"]).Scale;

        var concurrentRequests = (string)scale["rules"]![0]!["http"]!["metadata"]!["concurrentRequests"]!;
        Assert.Equal(new RateLimitOptions().ConcurrentBookings / 2, int.Parse(concurrentRequests, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_notifier_scales_on_its_RabbitMQ_queue_by_what_one_replica_sends_at_once()
    {
        var scale = ContainerAppView.Of((await s_deployment.Value).ContainerApps()["notifier"]).Scale;

        var rule = Assert.Single(scale["rules"]!.AsArray())!["custom"]!;
        Assert.Equal("rabbitmq", (string)rule["type"]!);
        Assert.Equal(BookingOutcomeQueue.Name, (string)rule["metadata"]!["queueName"]!);
        Assert.Equal("QueueLength", (string)rule["metadata"]!["mode"]!);
        Assert.Equal(new DeliveryOptions().ConcurrentMessageLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)rule["metadata"]!["value"]!);
        // The AMQP URI comes from the app's own Key Vault secret, not from a copy of RabbitMQ's password.
        var auth = Assert.Single(rule["auth"]!.AsArray())!;
        Assert.Equal(("messaging", "host"), ((string)auth["secretRef"]!, (string)auth["triggerParameter"]!));
    }

    [Fact]
    public async Task RabbitMQ_runs_exactly_one_replica_on_an_Azure_Files_share()
    {
        var app = (await s_deployment.Value).ContainerApps()["messaging"];

        var scale = ContainerAppView.Of(app).Scale;
        Assert.Equal((1, 1), ((int)scale["minReplicas"]!, (int)scale["maxReplicas"]!));
        Assert.Equal("AzureFile", (string)Assert.Single(app["properties"]!["template"]!["volumes"]!.AsArray())!["storageType"]!);
    }

    [Fact]
    public async Task Every_app_secret_is_a_Key_Vault_reference_read_with_the_apps_identity()
    {
        foreach (var (name, app) in (await s_deployment.Value).ContainerApps())
        {
            foreach (var secret in app["properties"]!["configuration"]!["secrets"]?.AsArray() ?? [])
            {
                Assert.True(secret!["value"] is null, $"{name} holds the value of its secret {secret["name"]} in its definition.");
                Assert.NotNull(secret["keyVaultUrl"]);
                Assert.NotNull(secret["identity"]);
            }
        }
    }

    [Fact]
    public async Task The_Container_Apps_environment_spans_availability_zones()
    {
        var environment = Assert.Single((await s_deployment.Value).Resources("Microsoft.App/managedEnvironments"));

        Assert.True((bool)environment["properties"]!["zoneRedundant"]!);
        Assert.NotNull(environment["properties"]!["vnetConfiguration"]!["infrastructureSubnetId"]);
    }

    [Fact]
    public async Task The_web_believes_forwarded_addresses_from_the_environments_subnet_only()
    {
        var deployment = await s_deployment.Value;
        var network = Assert.Single(deployment.Resources("Microsoft.Network/virtualNetworks"));
        var containerAppsSubnet = network["properties"]!["subnets"]!.AsArray().Single(subnet => (string)subnet!["name"]! == "container-apps")!;

        var knownNetwork = ContainerAppView.Of(deployment.ContainerApps()["web"]).Env["ForwardedHeaders__KnownNetworks__0"];
        Assert.Equal((string)containerAppsSubnet["properties"]!["addressPrefix"]!, (string)knownNetwork["value"]!);
    }

    [Fact]
    public async Task PostgreSQL_is_General_Purpose_private_with_zone_redundant_HA_and_35_days_of_geo_redundant_backups()
    {
        var deployment = await s_deployment.Value;
        var server = Assert.Single(deployment.Resources("Microsoft.DBforPostgreSQL/flexibleServers"));

        Assert.Equal("GeneralPurpose", (string)server["sku"]!["tier"]!);
        Assert.Equal("ZoneRedundant", (string)server["properties"]!["highAvailability"]!["mode"]!);
        Assert.Equal(35, (int)server["properties"]!["backup"]!["backupRetentionDays"]!);
        Assert.Equal("Enabled", (string)server["properties"]!["backup"]!["geoRedundantBackup"]!);
        Assert.Equal("Disabled", (string)server["properties"]!["network"]!["publicNetworkAccess"]!);
        Assert.Equal(["bookingdb", "notifierdb"], deployment.NamesOf("Microsoft.DBforPostgreSQL/flexibleServers/databases").Order());
        var configuration = Assert.Single(deployment.Resources("Microsoft.DBforPostgreSQL/flexibleServers/configurations"));
        Assert.Equal(("log_error_verbosity", "terse"),
            (deployment.NamesOf("Microsoft.DBforPostgreSQL/flexibleServers/configurations").Single(), ((string)configuration["properties"]!["value"]!).ToLowerInvariant()));
    }

    [Fact]
    public async Task Redis_is_Azure_Managed_Redis_with_high_availability()
    {
        var redis = Assert.Single((await s_deployment.Value).Resources("Microsoft.Cache/redisEnterprise"));

        Assert.Equal("Enabled", (string)redis["properties"]!["highAvailability"]!);
    }
}
