using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dentistimo.Contracts.Api;
using Microsoft.Extensions.Caching.Memory;
using Polly;

namespace Dentistimo.Web.Services;

/// <summary>BookingApi did not answer, even after the resilience handler's retries; pages show a "try again later" page.</summary>
public sealed class BookingApiUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// BookingApi over HTTP, found by service discovery. Transient failures are retried by the service defaults' standard
/// resilience handler, whose timeouts and open circuit throw Polly's <see cref="ExecutionRejectedException"/>.
/// </summary>
public sealed class BookingApiClient(HttpClient http, IMemoryCache cache)
{
    /// <summary>
    /// How old the booking page's first view of a day may be: from then on its slots are kept live over SignalR, and
    /// a crowd looking at one day costs BookingApi one request a second, not one per view.
    /// </summary>
    public static readonly TimeSpan DayCacheDuration = TimeSpan.FromSeconds(1);

    /// <summary>How old the home page's free-day counts may be (the booking page shows each slot live).</summary>
    public static readonly TimeSpan RangeCacheDuration = TimeSpan.FromSeconds(5);

    private const string ClinicsCacheKey = "clinics";

    private const string LastKnownClinicsCacheKey = "clinics:last-known";

    /// <summary>
    /// The registry and the booking window change a few times a year; a short cache spares BookingApi a call per page view.
    /// </summary>
    private static readonly TimeSpan s_rarelyChangingDuration = TimeSpan.FromMinutes(1);

    private const string BookingWindowCacheKey = "booking-window";

    private const string LastKnownBookingWindowCacheKey = "booking-window:last-known";

    /// <summary>
    /// How long the registry and a day are kept after BookingApi last answered, for a booking form sent while BookingApi
    /// is unreachable: it is shown again with what the patient typed (<see cref="GetDayOrLastKnownAsync"/>).
    /// </summary>
    private static readonly TimeSpan s_lastKnownDuration = TimeSpan.FromHours(1);

    /// <remarks>While BookingApi is unreachable, the registry as last seen, if it was seen within the hour.</remarks>
    public async Task<IReadOnlyList<ClinicSummary>> GetClinicsAsync(CancellationToken cancellationToken) =>
        await GetRarelyChangingAsync<IReadOnlyList<ClinicSummary>>(
            ClinicsCacheKey, LastKnownClinicsCacheKey,
            async () => await GetAsync<List<ClinicSummary>>("/api/clinics", cancellationToken) ?? [],
            // An empty registry only happens while BookingApi is still seeding; asking again soon is right.
            keep: clinics => clinics.Count > 0);

    /// <summary>
    /// How far ahead BookingApi takes bookings: it is the one source of its horizon, so the date picker and the booking
    /// page's date check follow it. It changes only when BookingApi is configured anew, so it is cached as the registry is.
    /// </summary>
    /// <remarks>While BookingApi is unreachable, the window as last seen, if it was seen within the hour.</remarks>
    public async Task<BookingWindow> GetBookingWindowAsync(CancellationToken cancellationToken)
    {
        var window = await GetRarelyChangingAsync(
            BookingWindowCacheKey, LastKnownBookingWindowCacheKey,
            // 404: a BookingApi from before this endpoint, still running while a deployment rolls out; it has the default.
            async () => await GetAsync<BookingWindow>("/api/booking-window", cancellationToken) ?? BookingWindow.Default,
            keep: answer => answer.HorizonDays >= 1);
        return window.HorizonDays >= 1
            ? window
            : throw new BookingApiUnavailableException($"BookingApi answered a booking window of {window.HorizonDays} days.");
    }

    /// <summary>
    /// An answer kept for <see cref="s_rarelyChangingDuration"/>, and as last known for <see cref="s_lastKnownDuration"/>,
    /// which is answered while BookingApi is unreachable.
    /// </summary>
    /// <param name="keep">Whether the answer may be kept; one that may not is answered once and asked for again.</param>
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

    /// <returns>Null when BookingApi knows no such clinic.</returns>
    public async Task<DayAvailability?> GetDayAsync(int clinicId, DateOnly date, CancellationToken cancellationToken)
    {
        var key = DayKey(clinicId, date);
        if (cache.TryGetValue(key, out DayAvailability? cached) && cached is not null)
        {
            return cached;
        }

        return await GetCurrentDayAsync(clinicId, date, cancellationToken) is { } day ? cache.Set(key, day, DayCacheDuration) : null;
    }

    /// <summary>The day changed: the next <see cref="GetDayAsync"/> asks BookingApi.</summary>
    public void ForgetDay(int clinicId, DateOnly date) => cache.Remove(DayKey(clinicId, date));

    /// <summary>
    /// As <see cref="GetDayAsync"/>, but while BookingApi is unreachable the day as this instance last saw it within the
    /// hour: for a booking form, which is shown again with what the patient typed rather than lost to an error page.
    /// </summary>
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

    /// <returns>Null when BookingApi knows no such clinic.</returns>
    /// <remarks>Past any cache: for a page that shows a decision just made, which must show its seat taken.</remarks>
    public async Task<DayAvailability?> GetCurrentDayAsync(int clinicId, DateOnly date, CancellationToken cancellationToken) =>
        await GetAsync<DayAvailability>($"/api/clinics/{clinicId}/availability?date={date:yyyy-MM-dd}", cancellationToken) is { } day
            ? cache.Set(LastKnownDayKey(clinicId, date), day, s_lastKnownDuration)
            : null;

    /// <summary>
    /// Every home page view shows the free days of every clinic for the whole booking window. Those counts may be a few
    /// seconds old there, so one answer serves every view for <see cref="RangeCacheDuration"/>.
    /// </summary>
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

    /// <returns>Null when BookingApi knows no such booking.</returns>
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

    /// <summary>A booking as its manage page shows it, if <paramref name="manageToken"/> is its key.</summary>
    /// <returns>Null for an unknown booking and for a wrong token alike: BookingApi tells them apart to no one.</returns>
    public async Task<ManagedBookingResponse?> GetManagedBookingAsync(Guid bookingId, string manageToken, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => http.SendAsync(WithManageToken(HttpMethod.Get, $"/api/bookings/{bookingId}/manage", manageToken), cancellationToken));
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound => null,
            HttpStatusCode.OK => await ReadAsync<ManagedBookingResponse>(response, cancellationToken),
            _ => throw new BookingApiUnavailableException($"BookingApi answered GET /api/bookings/{{id}}/manage with {(int)response.StatusCode}."),
        };
    }

    /// <summary>Cancels the appointment; cancelling one already cancelled answers it again.</summary>
    public Task<BookingChangeOutcome> CancelBookingAsync(Guid bookingId, string manageToken, CancellationToken cancellationToken) =>
        ChangeBookingAsync(WithManageToken(HttpMethod.Post, $"/api/bookings/{bookingId}/cancellation", manageToken), cancellationToken);

    /// <summary>Moves the appointment to <paramref name="start"/> at the same clinic.</summary>
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
                    // The booking id is the patient's key too, so the path is logged by its shape only.
                    throw new BookingApiUnavailableException(
                        $"BookingApi answered POST {path[(path.LastIndexOf('/') + 1)..]} of a booking with {(int)response.StatusCode}.");
            }
        }
    }

    /// <summary>
    /// The manage token travels in the Authorization header only, never in BookingApi's URL, where access logs and
    /// traces would keep it; the header's value is redacted from HttpClient's logs (AddApplicationServices).
    /// </summary>
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
