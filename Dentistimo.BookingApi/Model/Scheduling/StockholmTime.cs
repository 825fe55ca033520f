using System.Globalization;
using Dentistimo.Contracts;

namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>
/// Clinic clock time (opening hours, breaks) is Europe/Stockholm wall-clock time (<see cref="ClinicTime"/>); everything
/// stored or returned is a UTC instant. This turns the one into the other on the days clocks change.
/// </summary>
public static class StockholmTime
{
    private static TimeZoneInfo Zone => ClinicTime.Zone;

    /// <summary>
    /// The UTC instant at which Stockholm clocks show <paramref name="date"/> <paramref name="time"/>.
    /// False for a wall-clock time that never happens (the hour skipped when summer time starts).
    /// A time that happens twice (the hour repeated when summer time ends) resolves to its first
    /// occurrence, still in summer time (+02:00): that is the first time a patient's clock shows it.
    /// </summary>
    public static bool TryToUtc(DateOnly date, TimeOnly time, out DateTimeOffset utc)
    {
        var wallClock = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(wallClock))
        {
            utc = default;
            return false;
        }

        // GetUtcOffset would pick standard time for an ambiguous time; the larger offset is the earlier instant.
        var offset = Zone.IsAmbiguousTime(wallClock) ? Zone.GetAmbiguousTimeOffsets(wallClock).Max() : Zone.GetUtcOffset(wallClock);
        utc = new DateTimeOffset(wallClock, offset).ToUniversalTime();
        return true;
    }

    /// <inheritdoc cref="TryToUtc"/>
    /// <exception cref="ArgumentException">When Stockholm clocks skip that time.</exception>
    public static DateTimeOffset ToUtc(DateOnly date, TimeOnly time) =>
        TryToUtc(date, time, out var utc)
            ? utc
            : throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd} {time:HH:mm} does not exist in Stockholm: clocks skip it when summer time starts."),
                nameof(time));
}
