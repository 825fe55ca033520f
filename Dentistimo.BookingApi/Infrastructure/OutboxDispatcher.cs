using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Threading.Channels;
using Dentistimo.Migrations;
using MassTransit;
using Npgsql;

namespace Dentistimo.BookingApi.Infrastructure;

/// <summary>Wakes the dispatcher as soon as a decision wrote to the outbox, so events go out in milliseconds, not at the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void NewMessages() => _signals.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await _signals.Reader.ReadAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed: look anyway, for rows another replica wrote or a crash left behind.
        }
    }
}

/// <summary>
/// Publishes the outbox to RabbitMQ, modelled on MassTransit's bus outbox (MassTransit.EntityFrameworkCore is not in our
/// package source). Rows are claimed with FOR UPDATE SKIP LOCKED so replicas share the work, published in sequence order
/// with publisher confirms, and deleted in the same transaction only after RabbitMQ confirmed them. A crash before
/// the delete publishes them again: at-least-once, and consumers deduplicate by message id. Shutdown abandons the
/// batch in hand the same way: its transaction rolls back, and the next instance or another replica publishes it.
/// </summary>
public sealed class OutboxDispatcher(
    DatabaseMigrator<BookingDbContext> migrator,
    NpgsqlDataSource dataSource,
    IBus bus,
    OutboxSignal signal,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 200;
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_publishTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migrator.Migrated.WaitAsync(stoppingToken);
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await PublishBatchAsync(stoppingToken);
                backoff = TimeSpan.Zero;
                if (published < BatchSize)
                {
                    await signal.WaitAsync(s_pollInterval, stoppingToken);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, s_maxBackoff.Ticks));
                logger.LogWarning("Outbox dispatch failed ({Error}); the messages stay in the outbox and are retried in {Backoff}",
                    exception.GetBaseException().Message, backoff);
                await Task.Delay(backoff, stoppingToken);
            }
        }
    }

    /// <returns>How many messages were published.</returns>
    public async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var claimed = await ClaimAsync(connection, transaction, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var readable = new List<(long Sequence, OutboxMessage Message, object Event)>();
        foreach (var (sequence, message) in claimed)
        {
            if (TryRead(message, out var integrationEvent, out var problem))
            {
                readable.Add((sequence, message, integrationEvent));
            }
            else
            {
                logger.LogError("Outbox message {MessageId} ({MessageType}) cannot be read and is parked: {Problem}", message.MessageId, message.MessageType, problem);
                await ParkAsync(connection, transaction, sequence, problem, cancellationToken);
            }
        }

        using var publishTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        publishTimeout.CancelAfter(s_publishTimeout);
        // Publishes are handed to the channel in sequence order; awaiting them together waits for every confirm at once.
        await Task.WhenAll(readable.Select(row => bus.Publish(
            row.Event,
            row.Event.GetType(),
            context => context.MessageId = row.Message.MessageId,
            publishTimeout.Token)));

        await using var delete = new NpgsqlCommand("DELETE FROM outbox_messages WHERE sequence = ANY(@sequences)", connection, transaction);
        delete.Parameters.AddWithValue("sequences", readable.Select(row => row.Sequence).ToArray());
        await delete.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return claimed.Count;
    }

    private static bool TryRead(OutboxMessage message, [NotNullWhen(true)] out object? integrationEvent, out string problem)
    {
        integrationEvent = null;
        problem = "";
        if (!OutboxMessage.MessageTypes.ContainsKey(message.MessageType))
        {
            problem = $"unknown message type '{message.MessageType}'";
            return false;
        }

        try
        {
            integrationEvent = message.Deserialize();
            return true;
        }
        catch (JsonException exception)
        {
            // The exception's own message can quote the body, which holds patient details: keep only where it failed.
            problem = $"body is not a valid {message.MessageType} (at {exception.Path})";
            return false;
        }
    }

    private static async Task ParkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long sequence, string problem, CancellationToken cancellationToken)
    {
        await using var park = new NpgsqlCommand(
            "UPDATE outbox_messages SET parked_at = now(), parked_because = @problem WHERE sequence = @sequence", connection, transaction);
        park.Parameters.AddWithValue("problem", problem);
        park.Parameters.AddWithValue("sequence", sequence);
        await park.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<(long Sequence, OutboxMessage Message)>> ClaimAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand("""
            SELECT sequence, message_id, message_type, body::text FROM outbox_messages
            WHERE parked_at IS NULL
            ORDER BY sequence LIMIT @batch_size FOR UPDATE SKIP LOCKED
            """, connection, transaction);
        select.Parameters.AddWithValue("batch_size", BatchSize);

        var claimed = new List<(long, OutboxMessage)>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add((reader.GetInt64(0), new OutboxMessage(reader.GetGuid(1), reader.GetString(2), reader.GetString(3))));
        }

        return claimed;
    }
}
