using Dentistimo.BookingApi.Services;
using Dentistimo.Migrations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dentistimo.BookingApi.Infrastructure;

/// <summary>
/// Patient details are kept only while a booking needs them (docs/architecture.md). Every replica runs this; deleting
/// what is already gone costs nothing.
/// </summary>
public sealed class PatientDataRetention(
    DatabaseMigrator<BookingDbContext> migrator,
    NpgsqlDataSource dataSource,
    IOptions<BookingOptions> options,
    TimeProvider timeProvider,
    ILogger<PatientDataRetention> logger) : BackgroundService
{
    private const int BatchSize = 1_000;
    private static readonly TimeSpan s_interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migrator.Migrated.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DeleteExpiredAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Deleting expired booking requests failed ({Error}); trying again in {Interval}", exception.Message, s_interval);
            }

            await Task.Delay(s_interval, timeProvider, stoppingToken);
        }
    }

    public async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        var cutoff = timeProvider.GetUtcNow() - TimeSpan.FromDays(options.Value.PatientDataRetentionDays);
        var deleted = 0;
        // Each batch starts after the last id deleted, so the rows kept (appointments still ahead) are not walked again.
        var after = Guid.Empty;
        while (true)
        {
            // Ids are UUID v7, ordered by decision time, so the primary key finds every request decided before the cutoff.
            await using var command = dataSource.CreateCommand("""
                WITH expired AS (
                    DELETE FROM booking_requests WHERE id IN (
                        SELECT id FROM booking_requests
                        WHERE id > @after AND id < @decided_before AND (status <> 'confirmed' OR start_utc < @cutoff)
                        ORDER BY id LIMIT @batch_size)
                    RETURNING id)
                SELECT (SELECT count(*) FROM expired), (SELECT id FROM expired ORDER BY id DESC LIMIT 1)
                """);
            command.Parameters.AddWithValue("after", after);
            command.Parameters.AddWithValue("decided_before", Guid.CreateVersion7(cutoff));
            command.Parameters.AddWithValue("cutoff", cutoff);
            command.Parameters.AddWithValue("batch_size", BatchSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var batch = (int)reader.GetInt64(0);
            deleted += batch;
            if (batch < BatchSize)
            {
                break;
            }

            after = reader.GetGuid(1);
        }

        // A parked outbox message carries the patient's details in its body too.
        await using (var parked = dataSource.CreateCommand("DELETE FROM outbox_messages WHERE parked_at < @cutoff"))
        {
            parked.Parameters.AddWithValue("cutoff", cutoff);
            deleted += await parked.ExecuteNonQueryAsync(cancellationToken);
        }

        // A decision taking a seat from a row being deleted waits, then inserts the row afresh (its upsert).
        await using (var counts = dataSource.CreateCommand("DELETE FROM patient_appointments WHERE cardinality(starts_after(upcoming_starts, @now)) = 0"))
        {
            counts.Parameters.AddWithValue("now", timeProvider.GetUtcNow());
            deleted += await counts.ExecuteNonQueryAsync(cancellationToken);
        }

        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} booking requests, parked messages and appointment counts, with their patient details, older than {Cutoff:u}", deleted, cutoff);
        }

        return deleted;
    }
}
