using Dentistimo.BookingApi.Infrastructure;
using Dentistimo.BookingApi.Model;
using Dentistimo.BookingApi.Services;
using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.Infrastructure;
using Dentistimo.ServiceDefaults;
using Dentistimo.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Dentistimo.AppHost.Tests.Infrastructure;

/// <summary>
/// Dentistimo's two databases on a server, made by the services' own migrations, and filled the way the services fill
/// them: booking decisions by BookingApi's decision statement, and the Notifier's record of each email it sent.
/// </summary>
public static class DentistimoDatabases
{
    // The AppHost's database resources, which its backups dump.
    private const string BookingDatabase = "bookingdb";
    private const string NotifierDatabase = "notifierdb";
    private static readonly RecipientSeal s_seal = new(RecipientSealOptions.DevelopmentKey);

    public static IReadOnlyList<string> Names { get; } = [BookingDatabase, NotifierDatabase];

    /// <summary>Drops both databases and creates them again, empty but for the services' current schemas and BookingApi's clinics.</summary>
    public static async Task RecreateAsync(AppHostPostgres server)
    {
        foreach (var database in Names)
        {
            await server.DropDatabaseAsync(database);
        }

        // Dropping ended every connection to them, idle pooled ones of this process too (the AppHost's health checks run here).
        NpgsqlConnection.ClearAllPools();

        await using (var bookingDb = BookingDb(server))
        {
            await bookingDb.Database.MigrateAsync();
            await new ClinicRegistry().SeedAsync(bookingDb, CancellationToken.None);
        }

        await using var notifierDb = NotifierDb(server);
        await notifierDb.Database.MigrateAsync();
    }

    /// <summary>
    /// Decides <paramref name="count"/> more booking requests, three for each slot of two seats (two confirmed, one
    /// rejected as fully booked), continuing with the slots after those of earlier calls, and records each one's email.
    /// </summary>
    public static async Task DecideBookingsAsync(AppHostPostgres server, int count)
    {
        var clinic = ClinicRegistry.Create()[0];
        var firstSlot = new DateTimeOffset(2027, 3, 1, 8, 0, 0, TimeSpan.Zero); // a Monday, 09:00 in Stockholm
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString(BookingDatabase));
        var store = new BookingStore(dataSource);
        await using var notifierDb = NotifierDb(server);
        var ledger = new SentEmailLedger(notifierDb, new SendsInProgress(), TimeProvider.System, NullLogger<SentEmailLedger>.Instance);

        var decidedBefore = await ScalarAsync<long>(server, BookingDatabase, "SELECT count(*) FROM booking_requests");
        for (var i = decidedBefore; i < decidedBefore + count; i++)
        {
            var start = firstSlot.AddMinutes(30 * (i / 3));
            var booking = new BookingRecord(
                Guid.CreateVersion7(), Guid.NewGuid(), Fingerprint: $"request {i}", clinic.Id, start, BookingStatus.Confirmed, ReasonCode: null,
                Reference: $"R{i:D7}", new PatientDetails($"Patient {i}", $"patient-{i}@example.com", Phone: null), Language: "sv", DateTimeOffset.UtcNow);
            var appointment = new AppointmentDetails(clinic.Id, clinic.Name, clinic.Address, clinic.Latitude, clinic.Longitude, start, start.AddMinutes(30));
            var recipient = s_seal.Seal(new BookingRecipient(booking.Patient.Name, booking.Patient.Email, booking.Language), booking.RequestId);

            var outcome = await store.DecideAsync(
                new DecisionRequest(
                    booking, Capacity: 2, MaxUpcomingPerPatient: 2,
                    OutboxMessage.For(new BookingConfirmed(booking.Id, booking.RequestId, booking.Reference!, appointment, recipient)),
                    OutboxMessage.For(new BookingRejected(booking.RequestId, "fully-booked", appointment, booking.Id, recipient)),
                    AppointmentEvents.AvailabilityChanged(new SlotSeats(clinic.Id, start, Capacity: 2, Booked: 0))),
                CancellationToken.None);
            var kind = outcome == DecideOutcome.Confirmed ? EmailKind.Confirmation : EmailKind.Rejection;
            var order = kind == EmailKind.Confirmation ? new BookingEmailOrder(booking.Id, BookingEmailOrder.ConfirmationSequence) : null;
            await ledger.SendOnceAsync(Guid.CreateVersion7(), new EmailIdentity(kind, booking.RequestId), order, _ => Task.CompletedTask, CancellationToken.None);
        }
    }

    /// <summary>Runs <paramref name="sql"/> on <paramref name="database"/> and returns the first column of its first row.</summary>
    public static async Task<T> ScalarAsync<T>(AppHostPostgres server, string database, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString(database));
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? reader.GetFieldValue<T>(0) : throw new InvalidOperationException($"No rows from: {sql}");
    }

    public static async Task ExecuteAsync(AppHostPostgres server, string database, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString(database));
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static BookingDbContext BookingDb(AppHostPostgres server) =>
        new(new DbContextOptionsBuilder<BookingDbContext>().UseNpgsql(server.ConnectionString(BookingDatabase)).Options);

    private static NotifierDbContext NotifierDb(AppHostPostgres server) =>
        new(new DbContextOptionsBuilder<NotifierDbContext>().UseNpgsql(server.ConnectionString(NotifierDatabase)).Options);
}
