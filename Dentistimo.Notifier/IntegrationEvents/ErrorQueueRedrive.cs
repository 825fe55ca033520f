using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Dentistimo.Notifier.IntegrationEvents;

/// <summary>Safe to repeat: the sent-email ledger keeps an email already sent from going out again.</summary>
public sealed class ErrorQueueRedrive(IConnectionFactory brokerConnections, IOptions<DeliveryOptions> options, ILogger<ErrorQueueRedrive> logger)
{
    private static readonly string[] s_faultHeaderPrefixes = ["MT-Fault-", "MT-Reason"];

    public async Task<int> MoveBackAsync(CancellationToken cancellationToken)
    {
        await using var connection = await brokerConnections.CreateConnectionAsync("notifier error-queue re-drive", cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);

        return await MoveBackAsync(connection, channel, options.Value.ErrorQueueName, cancellationToken);
    }

    private async Task<int> MoveBackAsync(IConnection connection, IChannel channel, string errorQueue, CancellationToken cancellationToken)
    {
        // Only what is there now: a message that fails again at once comes back behind us and must not be moved forever.
        var waiting = await CountAsync(connection, errorQueue, cancellationToken);
        var moved = 0;
        while (moved < waiting && await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken) is { } failed)
        {
            var properties = new BasicProperties(failed.BasicProperties)
            {
                Headers = failed.BasicProperties.Headers?
                    .Where(header => !s_faultHeaderPrefixes.Any(prefix => header.Key.StartsWith(prefix, StringComparison.Ordinal)))
                    .ToDictionary(header => header.Key, header => header.Value),
            };
            // Confirmed by RabbitMQ (and routed, being mandatory) before the error queue's copy is acknowledged.
            await channel.BasicPublishAsync("", BookingOutcomeQueue.Name, mandatory: true, properties, failed.Body.ToArray(), cancellationToken);
            await channel.BasicAckAsync(failed.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }

        logger.LogInformation("Moved {Count} message(s) from {ErrorQueue} back to {Queue}", moved, errorQueue, BookingOutcomeQueue.Name);
        return moved;
    }

    private static async Task<uint> CountAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        // A passive declare of a queue that does not exist closes its channel, so it gets one of its own.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException)
        {
            return 0; // nothing has ever failed into it
        }
    }
}
