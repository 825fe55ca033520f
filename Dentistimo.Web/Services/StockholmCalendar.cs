namespace Dentistimo.Web.Services;

/// <summary>Dates as patients in Gothenburg see them, whatever the server's own time zone.</summary>
public sealed class StockholmCalendar(TimeProvider time)
{
    /// <summary>How far ahead BookingApi takes bookings (its BookingPolicy.DefaultHorizon), so how far the date picker goes.</summary>
    public const int BookableDays = 90;

    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Zone).DateTime);

    public DateOnly LastBookableDay => Today.AddDays(BookableDays - 1);

    public bool IsBookable(DateOnly date) => date >= Today && date <= LastBookableDay;

    public static DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);
}
