using Dentistimo.Contracts;

namespace Dentistimo.Web.Services;

// Dates as patients in Gothenburg see them, whatever the server's own time zone.
public sealed class StockholmCalendar(TimeProvider time)
{
    public DateOnly Today => ClinicTime.LocalDate(time.GetUtcNow());

    public IReadOnlyList<DateOnly> BookableDays(BookingWindow window)
    {
        var today = Today;
        return Enumerable.Range(0, window.HorizonDays).Select(today.AddDays).ToList();
    }

    public bool IsBookable(DateOnly date, BookingWindow window)
    {
        var today = Today;
        return date >= today && date.DayNumber - today.DayNumber < window.HorizonDays;
    }
}
