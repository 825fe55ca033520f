using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Dentistimo.Load;

/// <summary>What a patient's client saw of one booking request.</summary>
public enum BookingOutcome
{
    /// <summary>201: the slot is the patient's.</summary>
    Confirmed,

    /// <summary>409: a decision was made, and it was no (fully booked, already booked, ...).</summary>
    Rejected,

    /// <summary>429: turned away before any decision, to be retried later.</summary>
    Throttled,

    /// <summary>Any other answer (5xx, a refused connection): the client cannot know whether a decision was made.</summary>
    Failed,

    /// <summary>No answer within the client's timeout: the client cannot know whether a decision was made.</summary>
    TimedOut,
}

/// <summary>A slot to book, as BookingApi names it.</summary>
public sealed record SlotToBook(int ClinicId, DateTimeOffset Start);

/// <summary>
/// Booking requests as the web sends them to BookingApi: each a new request id and a made-up patient, so that
/// load and fault tests create real decisions, events and emails.
/// </summary>
public sealed class BookingTraffic(HttpClient bookingApi)
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json") { CharSet = "utf-8" };

    /// <summary>A client for <paramref name="bookingApi"/> that keeps at most <paramref name="connections"/> connections open.</summary>
    public static HttpClient CreateClient(Uri bookingApi, int connections, TimeSpan timeout) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = bookingApi,
            Timeout = timeout,
        };

    public async Task<BookingOutcome> RequestAsync(Guid requestId, SlotToBook slot, CancellationToken ct = default)
    {
        var request = new
        {
            requestId,
            clinicId = slot.ClinicId,
            start = slot.Start,
            patient = new { name = "Load Patient", email = $"load-{requestId:N}@example.com" },
            language = "en",
        };
        // Serialized up front: a JsonContent body has no length and goes out chunked, which costs both ends more.
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonBody(request) };
        return await SendAsync(bookingApi, message, HttpStatusCode.Created, ct).ConfigureAwait(false);
    }

    public static ByteArrayContent JsonBody<T>(T value) =>
        new(JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web)) { Headers = { ContentType = s_json } };

    /// <summary>What the client saw of <paramref name="request"/>: <paramref name="success"/> is a yes, 409 a no.</summary>
    public static async Task<BookingOutcome> SendAsync(HttpClient http, HttpRequestMessage request, HttpStatusCode success, CancellationToken ct)
    {
        try
        {
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            return response.StatusCode switch
            {
                var status when status == success => BookingOutcome.Confirmed,
                HttpStatusCode.Conflict => BookingOutcome.Rejected,
                HttpStatusCode.TooManyRequests => BookingOutcome.Throttled,
                _ => BookingOutcome.Failed,
            };
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return BookingOutcome.TimedOut;
        }
        catch (HttpRequestException)
        {
            return BookingOutcome.Failed;
        }
    }
}
