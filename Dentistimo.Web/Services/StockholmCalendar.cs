using Dentistimo.Contracts;

namespace Dentistimo.Web.Services;

/// <summary>Dates as patients in Gothenburg see them, whatever the server's own time zone.</summary>
public sealed class StockholmCalendar(TimeProvider time)
{
    public DateOnly Today => ClinicTime.LocalDate(time.GetUtcNow());

    /// <summary>
    /// The days the date picker offers: today and the days after it, as far as BookingApi takes every slot of a day
    /// (<see cref="BookingWindow.HorizonDays"/>, a slot at most that long after now).
    /// </summary>
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
