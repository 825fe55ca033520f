namespace Dentistimo.BookingApi.Model.Scheduling;

public sealed class WeeklyOpeningHours
{
    private readonly IReadOnlyDictionary<DayOfWeek, TimeRange> _hours;

    public WeeklyOpeningHours(IReadOnlyDictionary<DayOfWeek, TimeRange> hours) =>
        _hours = new Dictionary<DayOfWeek, TimeRange>(hours);

    public TimeRange? this[DayOfWeek day] => _hours.GetValueOrDefault(day);

    // The registry leaves out the days a clinic does not open; a null or blank value is closed too.
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
