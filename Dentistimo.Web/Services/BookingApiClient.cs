using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dentistimo.Contracts.Api;
using Microsoft.Extensions.Caching.Memory;
using Polly;

namespace Dentistimo.Web.Services;

/// <summary>BookingApi did not answer, even after the resilience handler's retries.</summary>
public sealed class BookingApiUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

// The standard resilience handler's timeouts and open circuit throw Polly's ExecutionRejectedException.
public sealed class BookingApiClient(HttpClient http, IMemoryCache cache)
{
    // After the first view the booking page's slots are kept live over SignalR, so a crowd on one day costs one request
    // a second.
    public static readonly TimeSpan DayCacheDuration = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan RangeCacheDuration = TimeSpan.FromSeconds(5);

    private const string ClinicsCacheKey = "clinics";

    private const string LastKnownClinicsCacheKey = "clinics:last-known";

    // The registry and the booking window change a few times a year.
    private static readonly TimeSpan s_rarelyChangingDuration = TimeSpan.FromMinutes(1);

    private const string BookingWindowCacheKey = "booking-window";

    private const string LastKnownBookingWindowCacheKey = "booking-window:last-known";

    // Answered while BookingApi is unreachable, so a booking form is shown again with what the patient typed.
    private static readonly TimeSpan s_lastKnownDuration = TimeSpan.FromHours(1);

    public async Task<IReadOnlyList<ClinicSummary>> GetClinicsAsync(CancellationToken cancellationToken) =>
        await GetRarelyChangingAsync<IReadOnlyList<ClinicSummary>>(
            ClinicsCacheKey, LastKnownClinicsCacheKey,
            async () => await GetAsync<List<ClinicSummary>>("/api/clinics", cancellationToken) ?? [],
            // An empty registry only happens while BookingApi is still seeding; asking again soon is right.
            keep: clinics => clinics.Count > 0);

    // BookingApi is the one source of the horizon; the date picker and the booking page's date check follow it.
    public async Task<BookingWindow> GetBookingWindowAsync(CancellationToken cancellationToken)
    {
        var window = await GetRarelyChangingAsync(
            BookingWindowCacheKey, LastKnownBookingWindowCacheKey,
            async () => await GetAsync<BookingWindow>("/api/booking-window", cancellationToken)
                ?? throw new BookingApiUnavailableException("BookingApi answered the booking window with 404."),
            keep: answer => answer.HorizonDays >= 1);
        return window.HorizonDays >= 1
            ? window
            : throw new BookingApiUnavailableException($"BookingApi answered a booking window of {window.HorizonDays} days.");
    }

    private async Task<T> GetRarelyChangingAsync<T>(string key, string lastKnownKey, Func<Task<T>> fetch, Func<T, bool> keep)
        where T : class
    {
        if (cache.TryGetValue(key, out T? cached) && cached is not null)
        {
            return cached;
        }

        T answer;
        try
        {
            answer = await fetch();
        }
        catch (BookingApiUnavailableException) when (cache.TryGetValue(lastKnownKey, out T? lastKnown) && lastKnown is not null)
        {
            return lastKnown;
        }

        if (keep(answer))
        {
            cache.Set(key, answer, s_rarelyChangingDuration);
            cache.Set(lastKnownKey, answer, s_lastKnownDuration);
        }

        return answer;
    }

    public async Task<ClinicSummary?> FindClinicAsync(int clinicId, CancellationToken cancellationToken) =>
        (await GetClinicsAsync(cancellationToken)).FirstOrDefault(clinic => clinic.Id == clinicId);

    public async Task<DayAvailability?> GetDayAsync(int clinicId, DateOnly date, CancellationToken cancellationToken)
    {
        var key = DayKey(clinicId, date);
        if (cache.TryGetValue(key, out DayAvailability? cached) && cached is not null)
        {
            return cached;
        }

        return await GetCurrentDayAsync(clinicId, date, cancellationToken) is { } day ? cache.Set(key, day, DayCacheDuration) : null;
    }

    public void ForgetDay(int clinicId, DateOnly date) => cache.Remove(DayKey(clinicId, date));

    public async Task<DayAvailability?> GetDayOrLastKnownAsync(int clinicId, DateOnly date, CancellationToken cancellationToken)
    {
        try
        {
            return await GetDayAsync(clinicId, date, cancellationToken);
        }
        catch (BookingApiUnavailableException) when (cache.TryGetValue(LastKnownDayKey(clinicId, date), out DayAvailability? lastKnown) && lastKnown is not null)
        {
            return lastKnown;
        }
    }

    // Past any cache: a page that shows a decision just made must show its seat taken.
    public async Task<DayAvailability?> GetCurrentDayAsync(int clinicId, DateOnly date, CancellationToken cancellationToken) =>
        await GetAsync<DayAvailability>($"/api/clinics/{clinicId}/availability?date={date:yyyy-MM-dd}", cancellationToken) is { } day
            ? cache.Set(LastKnownDayKey(clinicId, date), day, s_lastKnownDuration)
            : null;

    public async Task<RangeAvailability> GetRangeAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var key = $"availability:{from:yyyy-MM-dd}:{to:yyyy-MM-dd}";
        if (cache.TryGetValue(key, out RangeAvailability? cached) && cached is not null)
        {
            return cached;
        }

        var range = await GetAsync<RangeAvailability>($"/api/availability?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}", cancellationToken)
            ?? throw new BookingApiUnavailableException("BookingApi answered the availability range with 404.");
        return cache.Set(key, range, RangeCacheDuration);
    }

    public async Task<BookingResponse?> GetBookingAsync(Guid bookingId, CancellationToken cancellationToken) =>
        await GetAsync<BookingResponse>($"/api/bookings/{bookingId}", cancellationToken);

    public async Task<BookingOutcome> RequestBookingAsync(BookingRequest request, CancellationToken cancellationToken)
    {
        var body = new
        {
            requestId = request.RequestId.ToString("D"),
            clinicId = request.ClinicId,
            start = request.Start.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture),
            patient = new { name = request.Patient.Name, email = request.Patient.Email, phone = request.Patient.Phone },
            language = request.Language,
        };

        using var response = await SendAsync(() => http.PostAsJsonAsync("/api/bookings", body, cancellationToken));
        switch (response.StatusCode)
        {
            case HttpStatusCode.Created:
                return new BookingOutcome.Confirmed(await ReadAsync<BookingResponse>(response, cancellationToken));
            case HttpStatusCode.Conflict:
                var problem = await ReadAsync<JsonObject>(response, cancellationToken);
                return new BookingOutcome.Rejected(problem["booking"].Deserialize<BookingResponse>(JsonSerializerOptions.Web)
                    ?? throw new BookingApiUnavailableException("BookingApi's 409 carried no booking decision."));
            case HttpStatusCode.BadRequest:
                var validation = await ReadAsync<ValidationProblem>(response, cancellationToken);
                return new BookingOutcome.Invalid(validation.Errors ?? new Dictionary<string, string[]>());
            case HttpStatusCode.UnprocessableEntity:
                return new BookingOutcome.RequestIdReused();
            case HttpStatusCode.TooManyRequests:
                return new BookingOutcome.TooManyRequests(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5));
            default:
                throw new BookingApiUnavailableException($"BookingApi answered a booking request with {(int)response.StatusCode}.");
        }
    }

    // Null for an unknown booking and a wrong token alike: BookingApi tells them apart to no one.
    public async Task<ManagedBookingResponse?> GetManagedBookingAsync(Guid bookingId, string manageToken, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => http.SendAsync(WithManageToken(HttpMethod.Get, $"/api/bookings/{bookingId}/manage", manageToken), cancellationToken));
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound => null,
            HttpStatusCode.OK => await ReadAsync<ManagedBookingResponse>(response, cancellationToken),
            _ => throw new BookingApiUnavailableException($"BookingApi answered GET /api/bookings/{bookingId}/manage with {(int)response.StatusCode}."),
        };
    }

    public Task<BookingChangeOutcome> CancelBookingAsync(Guid bookingId, string manageToken, CancellationToken cancellationToken) =>
        ChangeBookingAsync(WithManageToken(HttpMethod.Post, $"/api/bookings/{bookingId}/cancellation", manageToken), cancellationToken);

    public Task<BookingChangeOutcome> MoveBookingAsync(Guid bookingId, string manageToken, DateTimeOffset start, CancellationToken cancellationToken)
    {
        var request = WithManageToken(HttpMethod.Post, $"/api/bookings/{bookingId}/move", manageToken);
        request.Content = JsonContent.Create(new MoveBookingRequest(start.ToString("O", CultureInfo.InvariantCulture)), options: JsonSerializerOptions.Web);
        return ChangeBookingAsync(request, cancellationToken);
    }

    private async Task<BookingChangeOutcome> ChangeBookingAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.OriginalString;
        using (request)
        using (var response = await SendAsync(() => http.SendAsync(request, cancellationToken)))
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return new BookingChangeOutcome.Changed(await ReadAsync<BookingResponse>(response, cancellationToken));
                case HttpStatusCode.NotFound:
                    return new BookingChangeOutcome.NotFound();
                case HttpStatusCode.Conflict:
                    var problem = await ReadAsync<JsonObject>(response, cancellationToken);
                    return new BookingChangeOutcome.Refused(problem["reasonCode"]?.GetValue<string>()
                        ?? throw new BookingApiUnavailableException("BookingApi's 409 to a change carried no reasonCode."));
                case HttpStatusCode.BadRequest:
                    return new BookingChangeOutcome.Invalid();
                case HttpStatusCode.TooManyRequests:
                    return new BookingChangeOutcome.TooManyRequests(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5));
                default:
                    // The path carries the booking id, which changes nothing without the manage token (docs/threat-model.md).
                    throw new BookingApiUnavailableException($"BookingApi answered POST {path} with {(int)response.StatusCode}.");
            }
        }
    }

    // In a header, never the URL, where access logs and traces would keep it; HttpClient's logs redact the header.
    private static HttpRequestMessage WithManageToken(HttpMethod method, string path, string manageToken)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", manageToken);
        return request;
    }

    private static string DayKey(int clinicId, DateOnly date) => $"day:{clinicId}:{date:yyyy-MM-dd}";

    private static string LastKnownDayKey(int clinicId, DateOnly date) => $"day:last-known:{clinicId}:{date:yyyy-MM-dd}";

    private async Task<T?> GetAsync<T>(string path, CancellationToken cancellationToken) where T : class
    {
        using var response = await SendAsync(() => http.GetAsync(path, cancellationToken));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new BookingApiUnavailableException($"BookingApi answered GET {path} with {(int)response.StatusCode}.");
        }

        return await ReadAsync<T>(response, cancellationToken);
    }

    private static async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            return await send();
        }
        catch (Exception exception) when (exception is HttpRequestException or ExecutionRejectedException)
        {
            throw new BookingApiUnavailableException("BookingApi is unreachable.", exception);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, cancellationToken)
        ?? throw new BookingApiUnavailableException($"BookingApi answered {(int)response.StatusCode} with an empty body.");

    private sealed record ValidationProblem(Dictionary<string, string[]>? Errors);
}
