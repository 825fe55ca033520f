using Dentistimo.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class MessagingExtensions
{
    /// <summary>
    /// Aspire's RabbitMQ client on <c>ConnectionStrings:{connectionName}</c>, beside the service's MassTransit bus: its
    /// health check names RabbitMQ in /health while the broker is down, and it traces RabbitMQ.Client. Also adds
    /// <see cref="RabbitMqConnectionRecovery"/> for the bus.
    /// </summary>
    /// <returns>The broker's address, for MassTransit.</returns>
    public static Uri AddRabbitMqBesideMassTransit(this IHostApplicationBuilder builder, string connectionName)
    {
        var broker = new Uri(builder.Configuration.GetRequiredConnectionString(connectionName));
        builder.AddRabbitMQClient(
            connectionName,
            settings =>
            {
                // Services start while RabbitMQ is down (MassTransit reconnects by itself), and a /health call waits for one
                // connection attempt, not for a series of them.
                settings.DisableAutoActivation = true;
                settings.MaxConnectRetryCount = 0;
            },
            factory => factory.RequestedConnectionTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddHostedService<RabbitMqConnectionRecovery>();
        return broker;
    }
}
