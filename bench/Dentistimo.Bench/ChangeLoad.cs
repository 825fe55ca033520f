using System.Net;
using System.Net.Http.Headers;
using Dentistimo.Contracts.Api;
using Dentistimo.Load;
using Npgsql;

namespace Dentistimo.Bench;

/// <summary>A confirmed appointment and the key to change it.</summary>
public sealed record ManagedAppointment(Guid Id, int ClinicId, DateTimeOffset Start, string Token);

/// <summary>
/// Patients cancelling and moving confirmed appointments at a constant arrival rate: every even request cancels one,
/// every odd one moves another into the time the one before it gave up, so that moves race cancellations for seats.
/// Each appointment is changed once.
/// </summary>
public sealed class ChangeLoad(Uri bookingApi) : IDisposable
{
    private readonly HttpClient _http = BookingTraffic.CreateClient(bookingApi, DecisionLoad.Connections, TimeSpan.FromSeconds(30));

    /// <summary>The confirmed appointments in <paramref name="bookingDb"/>, grouped by clinic, with their manage tokens.</summary>
    public static async Task<IReadOnlyList<ManagedAppointment>> ReadConfirmedAsync(string bookingDb, ManageTokens tokens)
    {
        await using var connection = new NpgsqlConnection(bookingDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT id, clinic_id, start_utc FROM booking_requests WHERE status = 'confirmed' AND start_utc > now() ORDER BY clinic_id, id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var appointments = new List<ManagedAppointment>();
        while (await reader.ReadAsync())
        {
            var id = reader.GetGuid(0);
            appointments.Add(new ManagedAppointment(id, reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2), tokens.For(id)));
        }

        return appointments;
    }

    public async Task<DecisionLoadResult> RunAsync(IReadOnlyList<ManagedAppointment> appointments, double rate)
    {
        var duration = TimeSpan.FromSeconds(Math.Floor(appointments.Count / rate));
        var samples = await ConstantArrivalRate.RunAsync(rate, duration, (sequence, ct) => sequence % 2 == 0
            ? ChangeAsync(appointments[(int)sequence], "cancellation", body: null, ct)
            : ChangeAsync(appointments[(int)sequence], "move", new MoveBookingRequest(appointments[(int)sequence - 1].Start.ToString("O")), ct));
        return new DecisionLoadResult(rate, duration, samples);
    }

    public void Dispose() => _http.Dispose();

    private async Task<BookingOutcome> ChangeAsync(ManagedAppointment appointment, string change, MoveBookingRequest? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/bookings/{appointment.Id}/{change}")
        {
            Content = body is null ? null : BookingTraffic.JsonBody(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", appointment.Token);
        return await BookingTraffic.SendAsync(_http, request, HttpStatusCode.OK, ct);
    }
}
