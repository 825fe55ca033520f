using System.Globalization;
using System.Text.Json;
using Dentistimo.Web.Services;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;

namespace Dentistimo.Web.Pages;

// Output-cached: every patient sees the same page for the same query and language, and its counts may be seconds old.
[OutputCache(PolicyName = OutputCachePolicy)]
public sealed class IndexModel(BookingApiClient bookingApi, StockholmCalendar calendar, ILogger<IndexModel> logger) : PageModel
{
    public const string OutputCachePolicy = "home-page";

    public IReadOnlyList<ClinicSummary> Clinics { get; private set; } = [];
    public bool BookingApiUnavailable { get; private set; }
    public IReadOnlyList<DateOnly> Days { get; private set; } = [];
    public int? SelectedClinicId { get; private set; }
    public DateOnly? SelectedDate { get; private set; }
    public HomeNotice? Notice { get; private set; }

    public int HorizonDays { get; private set; }
    private IReadOnlyDictionary<int, IReadOnlyDictionary<DateOnly, DaySummary>> Availability { get; set; } =
        new Dictionary<int, IReadOnlyDictionary<DateOnly, DaySummary>>();

    public ClinicSummary? SelectedClinic => Clinics.FirstOrDefault(clinic => clinic.Id == SelectedClinicId);

    public async Task OnGetAsync(string? clinic, string? date, string? notice, CancellationToken cancellationToken)
    {
        Notice = HomeNotices.FromQueryValue(notice);
        BookingWindow window;
        try
        {
            window = await bookingApi.GetBookingWindowAsync(cancellationToken);
            Days = calendar.BookableDays(window);
            HorizonDays = window.HorizonDays;
            Clinics = await bookingApi.GetClinicsAsync(cancellationToken);
            var range = await bookingApi.GetRangeAsync(Days[0], Days[^1], cancellationToken);
            Availability = range.Clinics.ToDictionary(
                c => c.ClinicId,
                c => (IReadOnlyDictionary<DateOnly, DaySummary>)c.Days.ToDictionary(day => day.Date));
        }
        catch (BookingApiUnavailableException exception)
        {
            logger.LogWarning(exception, "BookingApi is unreachable; showing the home page without clinics");
            BookingApiUnavailable = true;
            // The next view should try BookingApi again, not be served this apology from the cache.
            if (HttpContext.Features.Get<IOutputCacheFeature>() is { } outputCache)
            {
                outputCache.Context.AllowCacheStorage = false;
            }

            return;
        }

        if (int.TryParse(clinic, NumberStyles.None, CultureInfo.InvariantCulture, out var clinicId) && Clinics.Any(c => c.Id == clinicId))
        {
            SelectedClinicId = clinicId;
        }

        if (DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            && calendar.IsBookable(day, window) && DayStateFor(SelectedClinicId, day) is DayState.Open or DayState.Unknown)
        {
            SelectedDate = day;
        }
    }

    // Over: today once its last time has begun, neither closed nor booked out.
    public enum DayState { Unknown, Open, Closed, Full, Over }

    public DaySummary? SummaryFor(int? clinicId, DateOnly date) =>
        clinicId is { } id && Availability.TryGetValue(id, out var days) && days.TryGetValue(date, out var summary) ? summary : null;

    public DayState DayStateFor(int? clinicId, DateOnly date) => SummaryFor(clinicId, date) switch
    {
        null => DayState.Unknown,
        { Closed: true } => DayState.Closed,
        { FreeSlots: 0, FullSlots: 0 } => DayState.Over,
        { FreeSlots: 0 } => DayState.Full,
        _ => DayState.Open,
    };

    public string ClientData() => JsonSerializer.Serialize(
        Clinics.Select(clinic => new
        {
            id = clinic.Id,
            name = clinic.Name,
            latitude = clinic.Coordinates.Latitude,
            longitude = clinic.Coordinates.Longitude,
            days = Days.ToDictionary(
                day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                day => SummaryFor(clinic.Id, day) is { } summary
                    ? new object[] { DayStateFor(clinic.Id, day).ToString().ToLowerInvariant(), summary.FreeSlots }
                    : [nameof(DayState.Closed).ToLowerInvariant(), 0]),
        }),
        JsonSerializerOptions.Web);
}
