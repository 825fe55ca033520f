using Dentistimo.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class MessagingExtensions
{
    /// <summary>Aspire's RabbitMQ client beside MassTransit's bus, for its /health check and traces.</summary>
    public static Uri AddRabbitMqBesideMassTransit(this IHostApplicationBuilder builder, string connectionName)
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
        builder.Services.AddHostedService<RabbitMqConnectionRecovery>();
        return broker;
    }
}
