using Dentistimo.Contracts;

namespace Dentistimo.Web.Services;

/// <summary>Dates as patients in Gothenburg see them, whatever the server's own time zone.</summary>
public sealed class StockholmCalendar(TimeProvider time)
{
    /// <summary>How far ahead BookingApi takes bookings (its BookingPolicy.DefaultHorizon), so how far the date picker goes.</summary>
    public const int BookableDays = 90;

    public DateOnly Today => ClinicTime.LocalDate(time.GetUtcNow());

    public DateOnly LastBookableDay => Today.AddDays(BookableDays - 1);

    public bool IsBookable(DateOnly date) => date >= Today && date <= LastBookableDay;
}
