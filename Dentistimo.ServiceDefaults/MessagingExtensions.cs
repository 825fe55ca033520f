using Dentistimo.ServiceDefaults;
using MassTransit;
using MassTransit.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

public static class MessagingExtensions
{
    // Aspire's name for the RabbitMQ client's check.
    private const string RabbitMqClientCheck = "RabbitMQ.Client";

    /// <summary>Aspire's RabbitMQ client beside MassTransit's bus, for its /health check and traces.</summary>
    /// <param name="brokerDownStatus">
    /// What /health says while RabbitMQ is down: Unhealthy (503) where the service cannot do its work without it,
    /// Degraded (200, and said in the answer) where it serves on without it.
    /// </param>
    public static Uri AddRabbitMqBesideMassTransit(
        this IHostApplicationBuilder builder, string connectionName, HealthStatus brokerDownStatus = HealthStatus.Unhealthy)
    {
        var broker = new Uri(builder.Configuration.GetRequiredConnectionString(connectionName));
        builder.AddRabbitMQClient(
            connectionName,
            settings =>
            {
                // Start while RabbitMQ is down (MassTransit reconnects), and let /health try one connection, not a series.
                settings.DisableAutoActivation = true;
                settings.MaxConnectRetryCount = 0;
            },
            factory => factory.RequestedConnectionTimeout = TimeSpan.FromSeconds(5));

        // Aspire has no setting for its check's status; its registration, added just above, is changed.
        builder.Services.Configure<HealthCheckServiceOptions>(options =>
        {
            foreach (var check in options.Registrations.Where(check => check.Name == RabbitMqClientCheck))
            {
                check.FailureStatus = brokerDownStatus;
            }
        });
        // MassTransit's ConfigureHealthCheckOptions, for the bus the service adds next.
        builder.Services.AddOptions<MassTransitHealthCheckOptions<IBus>>().Configure(check => check.MinimalFailureStatus = brokerDownStatus);
        return broker;
    }
}
