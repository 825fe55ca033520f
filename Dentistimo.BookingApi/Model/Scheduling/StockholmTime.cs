using System.Globalization;
using Dentistimo.Contracts;

namespace Dentistimo.BookingApi.Model.Scheduling;

public static class StockholmTime
{
    private static TimeZoneInfo Zone => ClinicTime.Zone;

    /// <summary>Years far outside any booking would overflow the time-zone arithmetic, so no date or time outside them is taken.</summary>
    public const string SupportedYears = "the years 2000 to 2999";

    public static bool IsSupported(DateOnly date) => date.Year is >= 2000 and <= 2999;

    public static bool IsSupported(DateTimeOffset instant) => IsSupported(DateOnly.FromDateTime(instant.UtcDateTime));

    /// <summary>
    /// False for a time Stockholm skips; a repeated time resolves to its first occurrence (+02:00), the first time a
    /// patient's clock shows it.
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
    public static DateTimeOffset ToUtc(DateOnly date, TimeOnly time) =>
        TryToUtc(date, time, out var utc)
            ? utc
            : throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd} {time:HH:mm} does not exist in Stockholm: clocks skip it when summer time starts."),
                nameof(time));
}
