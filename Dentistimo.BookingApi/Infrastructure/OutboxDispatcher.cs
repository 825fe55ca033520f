using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Threading.Channels;
using Dentistimo.Migrations;
using MassTransit;
using Npgsql;
using NpgsqlTypes;

namespace Dentistimo.BookingApi.Infrastructure;

/// <summary>Wakes the dispatcher as soon as a decision wrote to the outbox, rather than at the next poll.</summary>
public sealed class OutboxSignal(TimeProvider timeProvider)
{
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void NewMessages() => _signals.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var waitSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        // The timeout is the poll, for rows another replica wrote or a crash left behind: once a second, so not thrown
        // (it would count in the exceptions metric the dashboard shows).
        await ((Task)_signals.Reader.WaitToReadAsync(waitSource.Token).AsTask()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
        _signals.Reader.TryRead(out _);
    }
}

/// <summary>
/// Modelled on MassTransit's bus outbox (docs/architecture.md): a batch is claimed by deleting it, and the delete is
/// committed only once RabbitMQ confirmed the publishes. At least once: consumers deduplicate by message id.
/// </summary>
public sealed class OutboxDispatcher(
    DatabaseMigrator<BookingDbContext> migrator,
    NpgsqlDataSource dataSource,
    IBusControl bus,
    OutboxSignal signal,
    TimeProvider timeProvider,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private static readonly ActivitySource s_activitySource = new("Dentistimo.BookingApi.Outbox");

    private const int BatchSize = 200;
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(1);

    // A burst goes out in fewer, larger batches, sparing the PostgreSQL that decides bookings a transaction per handful.
    private static readonly TimeSpan s_linger = TimeSpan.FromMilliseconds(20);
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
                // Without a connection a publish only waits out its timeout and may still go out after the batch was
                // given up, to be published twice.
                if (bus.CheckHealth().Status == BusHealthStatus.Unhealthy)
                {
                    await Task.Delay(s_pollInterval, timeProvider, stoppingToken);
                    continue;
                }

                var published = await PublishBatchAsync(stoppingToken);
                backoff = TimeSpan.Zero;
                if (published < BatchSize)
                {
                    await signal.WaitAsync(s_pollInterval, stoppingToken);
                    await Task.Delay(s_linger, timeProvider, stoppingToken);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, s_maxBackoff.Ticks));
                logger.LogWarning("Outbox dispatch failed ({Error}); the messages stay in the outbox and are retried in {Backoff}",
                    exception.GetBaseException().Message, backoff);
                await Task.Delay(backoff, timeProvider, stoppingToken);
            }
        }
    }

    public async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var claimed = await ClaimAsync(connection, transaction, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var readable = new List<(ClaimedMessage Row, object Event)>();
        foreach (var row in claimed)
        {
            if (TryRead(row.Message, out var integrationEvent, out var problem))
            {
                readable.Add((row, integrationEvent));
            }
            else
            {
                logger.LogError("Outbox message {MessageId} ({MessageType}) cannot be read and is parked: {Problem}", row.Message.MessageId, row.Message.MessageType, problem);
                await PutBackAsync(connection, transaction, row, problem, cancellationToken);
            }
        }

        using var publishTimeout = new CancellationTokenSource(s_publishTimeout, timeProvider);
        using var publishCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, publishTimeout.Token);
        // Handed to the channel in sequence order; awaited together, every confirm is waited for at once.
        var publishes = readable.Select(row => (row.Row, Confirmed: PublishAsync(row.Row.Message, row.Event, publishCancellation.Token))).ToList();
        try
        {
            await Task.WhenAll(publishes.Select(publish => publish.Confirmed));
        }
        catch when (!cancellationToken.IsCancellationRequested && publishes.Any(publish => publish.Confirmed.IsCompletedSuccessfully))
        {
            // RabbitMQ took some before the failure: only the others are published again.
            foreach (var (row, _) in publishes.Where(publish => !publish.Confirmed.IsCompletedSuccessfully))
            {
                await PutBackAsync(connection, transaction, row, problem: null, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            throw;
        }

        await transaction.CommitAsync(cancellationToken);
        return claimed.Count;
    }

    // Its own span in the causing request's trace, ending with the confirm, so it is no parent of the next message.
    private async Task PublishAsync(OutboxMessage message, object integrationEvent, CancellationToken cancellationToken)
    {
        using var activity = ActivityContext.TryParse(message.TraceParent, null, isRemote: true, out var requestContext)
            ? s_activitySource.StartActivity($"outbox publish {message.MessageType}", ActivityKind.Internal, requestContext)
            : null;
        activity?.SetTag("messaging.message.id", message.MessageId);
        await bus.Publish(integrationEvent, integrationEvent.GetType(), context => context.MessageId = message.MessageId, cancellationToken);
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
        catch (Exception exception) when (exception is NotSupportedException or InvalidOperationException)
        {
            // As unreadable as malformed JSON; left in, it would fail every batch after it, oldest rows being claimed first.
            problem = $"body is not a valid {message.MessageType} ({exception.GetType().Name})";
            return false;
        }
    }

    // The claim deleted the row: it comes back under its own sequence number, or, with a problem, parked.
    private static async Task PutBackAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ClaimedMessage claimed, string? problem, CancellationToken cancellationToken)
    {
        await using var putBack = new NpgsqlCommand("""
            INSERT INTO outbox_messages (sequence, message_id, message_type, body, created_at, trace_parent, parked_at, parked_because)
            OVERRIDING SYSTEM VALUE VALUES (@sequence, @message_id, @message_type, @body::jsonb, @created_at, @trace_parent,
                                            CASE WHEN @problem IS NULL THEN NULL ELSE now() END, @problem)
            """, connection, transaction);
        putBack.Parameters.AddWithValue("sequence", claimed.Sequence);
        putBack.Parameters.AddWithValue("message_id", claimed.Message.MessageId);
        putBack.Parameters.AddWithValue("message_type", claimed.Message.MessageType);
        putBack.Parameters.AddWithValue("body", claimed.Message.Body);
        putBack.Parameters.AddWithValue("created_at", claimed.CreatedAt);
        putBack.Parameters.Add(new NpgsqlParameter<string?>("trace_parent", NpgsqlDbType.Text) { TypedValue = claimed.Message.TraceParent });
        putBack.Parameters.Add(new NpgsqlParameter<string?>("problem", NpgsqlDbType.Text) { TypedValue = problem });
        await putBack.ExecuteNonQueryAsync(cancellationToken);
    }

    // synchronous_commit off: a delete lost in a crash only publishes again, and the deciding server is spared a WAL flush.
    private static async Task<List<ClaimedMessage>> ClaimAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var claim = new NpgsqlCommand("""
            SET LOCAL synchronous_commit = off;
            DELETE FROM outbox_messages WHERE sequence IN (
                SELECT sequence FROM outbox_messages
                WHERE parked_at IS NULL
                ORDER BY sequence LIMIT @batch_size FOR UPDATE SKIP LOCKED)
            RETURNING sequence, message_id, message_type, body::text, created_at, trace_parent
            """, connection, transaction);
        claim.Parameters.AddWithValue("batch_size", BatchSize);

        var claimed = new List<ClaimedMessage>();
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new ClaimedMessage(
                    reader.GetInt64(0),
                    new OutboxMessage(reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(5) ? null : reader.GetString(5)),
                    reader.GetFieldValue<DateTimeOffset>(4)));
            }
        }

        claimed.Sort((left, right) => left.Sequence.CompareTo(right.Sequence)); // RETURNING promises no order
        return claimed;
    }

    private sealed record ClaimedMessage(long Sequence, OutboxMessage Message, DateTimeOffset CreatedAt);
}
