namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>A clinic's opening hours per weekday; a weekday without hours is a closed day.</summary>
public sealed class WeeklyOpeningHours
{
    private readonly IReadOnlyDictionary<DayOfWeek, TimeRange> _hours;

    public WeeklyOpeningHours(IReadOnlyDictionary<DayOfWeek, TimeRange> hours) =>
        _hours = new Dictionary<DayOfWeek, TimeRange>(hours);

    /// <summary>The hours on that weekday, or null when the clinic is closed that weekday.</summary>
    public TimeRange? this[DayOfWeek day] => _hours.GetValueOrDefault(day);

    /// <summary>
    /// Parses the registry's <c>openinghours</c> object, e.g. <c>{ "monday": "9:00-17:00", ... }</c>.
    /// Weekday names are English and case-insensitive. A missing weekday, or one whose value is
    /// null or blank, is closed: the registry simply leaves out the days a clinic does not open.
    /// </summary>
    /// <exception cref="FormatException">For an unknown or repeated weekday, or hours not in H:MM-H:MM form.</exception>
    public static WeeklyOpeningHours Parse(IEnumerable<KeyValuePair<string, string?>> registryHours)
    {
        var hours = new Dictionary<DayOfWeek, TimeRange>();
        var seen = new HashSet<DayOfWeek>();
        foreach (var (name, text) in registryHours)
        {
            var day = ParseWeekday(name);
            if (!seen.Add(day))
            {
                throw new FormatException($"Opening hours: {day} is given more than once.");
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            try
            {
                hours[day] = TimeRange.Parse(text);
            }
            catch (FormatException e)
            {
                throw new FormatException($"Opening hours for {day}: {e.Message}", e);
            }
        }

        return new WeeklyOpeningHours(hours);
    }

    // Enum.Parse would also accept "1" or "Monday, Friday"; only real weekday names are valid here.
    private static DayOfWeek ParseWeekday(string name) =>
        Enum.GetValues<DayOfWeek>()
            .Where(day => day.ToString().Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
            .Cast<DayOfWeek?>()
            .SingleOrDefault()
        ?? throw new FormatException($"Opening hours: \"{name}\" is not a weekday; expected monday to sunday.");
}
