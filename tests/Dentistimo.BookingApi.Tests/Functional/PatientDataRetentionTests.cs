using Dentistimo.BookingApi.Infrastructure;
using Dentistimo.Testing;
using Dentistimo.Migrations;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Dentistimo.BookingApi.Tests.Functional;

/// <summary>Booking requests, with their patients' details, are deleted 30 days after the appointment or the rejection.</summary>
public sealed class PatientDataRetentionTests : IClassFixture<IsolatedResources>, IAsyncLifetime
{
    private readonly IsolatedResources _resources;
    private WebApplicationFactory<BookingStore> _api = null!;

    public PatientDataRetentionTests(IsolatedResources resources) => _resources = resources;

    // The service's own hourly pass runs once at start, and racing the test's call it could delete some of its rows
    // first: the tests call the deletion themselves, without that loop.
    public async Task InitializeAsync()
    {
        _api = new BookingApiFactory(_resources).WithWebHostBuilder(web => web.ConfigureServices(services =>
            services.Remove(services.Single(descriptor => descriptor.ServiceType == typeof(IHostedService)
                && descriptor.ImplementationFactory is Func<IServiceProvider, PatientDataRetention>))));
        _ = _api.Server;
        await _api.Services.GetRequiredService<DatabaseMigrator<BookingDbContext>>().Migrated.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Requests_past_the_retention_period_are_deleted_and_the_others_kept()
    {
        var now = DateTimeOffset.UtcNow;
        var rejectedLongAgo = await InsertAsync(decided: now.AddDays(-40), appointment: now.AddDays(-35), confirmed: false);
        var visitLongAgo = await InsertAsync(decided: now.AddDays(-100), appointment: now.AddDays(-40), confirmed: true);
        var visitRecentlyPast = await InsertAsync(decided: now.AddDays(-60), appointment: now.AddDays(-10), confirmed: true);
        var visitAhead = await InsertAsync(decided: now.AddDays(-40), appointment: now.AddDays(20), confirmed: true);
        var rejectedRecently = await InsertAsync(decided: now.AddDays(-5), appointment: now.AddDays(3), confirmed: false);

        var deleted = await _api.Services.GetRequiredService<PatientDataRetention>().DeleteExpiredAsync(CancellationToken.None);

        Assert.Equal(2, deleted);
        var remaining = await RemainingAsync([rejectedLongAgo, visitLongAgo, visitRecentlyPast, visitAhead, rejectedRecently]);
        Assert.Equal(new[] { visitRecentlyPast, visitAhead, rejectedRecently }.Order(), remaining.Order());
    }

    [Fact]
    public async Task A_patient_s_count_of_upcoming_appointments_goes_once_every_appointment_it_counts_has_started()
    {
        var (started, upcoming) = (BookingApiDriver.NewPatientEmail(), BookingApiDriver.NewPatientEmail());
        await using var connection = new NpgsqlConnection(_resources.BookingDb);
        await connection.OpenAsync();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO patient_appointments (patient_email, upcoming_starts, max_upcoming) VALUES
                (@started, ARRAY[now() - interval '3 days', now() - interval '1 minute'], 2),
                (@upcoming, ARRAY[now() - interval '3 days', now() + interval '1 day'], 2)
            """, connection))
        {
            insert.Parameters.AddWithValue("started", started);
            insert.Parameters.AddWithValue("upcoming", upcoming);
            await insert.ExecuteNonQueryAsync();
        }

        await _api.Services.GetRequiredService<PatientDataRetention>().DeleteExpiredAsync(CancellationToken.None);

        await using var remaining = new NpgsqlCommand("SELECT array_agg(patient_email) FROM patient_appointments WHERE patient_email IN (@started, @upcoming)", connection);
        remaining.Parameters.AddWithValue("started", started);
        remaining.Parameters.AddWithValue("upcoming", upcoming);
        Assert.Equal([upcoming], (string[])(await remaining.ExecuteScalarAsync())!);
    }

    private async Task<Guid> InsertAsync(DateTimeOffset decided, DateTimeOffset appointment, bool confirmed)
    {
        var id = Guid.CreateVersion7(decided);
        await using var connection = new NpgsqlConnection(_resources.BookingDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO booking_requests (id, request_id, fingerprint, clinic_id, start_utc, status, reason_code, reference,
                                          patient_name, patient_email, patient_phone, language, decided_at)
            VALUES (@id, gen_random_uuid(), 'fingerprint', 1, @start, @status, @reason, @reference,
                    'Selma Lagerlöf', @email, '+46 31 123 45 67', 'sv', @decided)
            """, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("start", appointment);
        command.Parameters.AddWithValue("status", confirmed ? "confirmed" : "rejected");
        command.Parameters.AddWithValue("reason", confirmed ? DBNull.Value : "fully-booked");
        command.Parameters.AddWithValue("reference", confirmed ? $"DT-{id:N}"[..11] : DBNull.Value);
        command.Parameters.AddWithValue("email", BookingApiDriver.NewPatientEmail());
        command.Parameters.AddWithValue("decided", decided);
        await command.ExecuteNonQueryAsync();
        return id;
    }

    private async Task<List<Guid>> RemainingAsync(Guid[] ids)
    {
        await using var connection = new NpgsqlConnection(_resources.BookingDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM booking_requests WHERE id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids);
        var remaining = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            remaining.Add(reader.GetGuid(0));
        }

        return remaining;
    }
}
