using Dentistimo.BookingApi.Model.Scheduling;

namespace Dentistimo.BookingApi.Tests.Scheduling;

/// <summary>The Gothenburg clinic registry, built through the registry parser as production does.</summary>
internal static class TestClinics
{
    public const int YourDentist = 1;
    public const int ToothFairyDentist = 2;
    public const int TheCrown = 3;
    public const int LisebergsDentists = 4;

    public static ClinicSchedule ById(int id, IEnumerable<DateOnly>? closureDates = null) => id switch
    {
        YourDentist => Weekdays(3, closureDates, "9:00-17:00", "8:00-17:00", "7:00-16:00", "9:00-17:00", "9:00-15:00"),
        ToothFairyDentist => Weekdays(1, closureDates, "7:00-19:00", "7:00-19:00", "7:00-19:00", "7:00-19:00", "7:00-19:00"),
        TheCrown => Weekdays(2, closureDates, "6:00-15:00", "8:00-17:00", "7:00-12:00", "7:00-17:00", "8:00-16:00"),
        LisebergsDentists => Weekdays(3, closureDates, "10:00-18:00", "10:00-18:00", "10:00-18:00", "10:00-18:00", "10:00-18:00"),
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "No such clinic in the registry."),
    };

    /// <summary>Not in the registry: open every day, Sundays included, with the given hours, to exercise DST days.</summary>
    public static ClinicSchedule EveryDay(string hours, int dentists = 2, IEnumerable<TimeRange>? breaks = null) =>
        new(
            WeeklyOpeningHours.Parse(Enum.GetNames<DayOfWeek>().Select(day => KeyValuePair.Create(day.ToLowerInvariant(), (string?)hours))),
            dentists,
            breaks);

    private static ClinicSchedule Weekdays(int dentists, IEnumerable<DateOnly>? closureDates, params string[] mondayToFriday) =>
        new(
            WeeklyOpeningHours.Parse(new Dictionary<string, string?>
            {
                ["monday"] = mondayToFriday[0],
                ["tuesday"] = mondayToFriday[1],
                ["wednesday"] = mondayToFriday[2],
                ["thursday"] = mondayToFriday[3],
                ["friday"] = mondayToFriday[4],
            }),
            dentists,
            closureDates: closureDates);

    public static DateOnly Date(string isoDate) => DateOnly.ParseExact(isoDate, "yyyy-MM-dd");

    public static TimeOnly Time(string hoursAndMinutes) => TimeOnly.ParseExact(hoursAndMinutes, "H:mm");

    public static DateTimeOffset Utc(string isoInstant) =>
        DateTimeOffset.ParseExact(isoInstant, "yyyy-MM-dd'T'HH:mm'Z'", null, System.Globalization.DateTimeStyles.AssumeUniversal);
}
