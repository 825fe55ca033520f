using System.Collections.Concurrent;

namespace Dentistimo.BookingApi.Model.Scheduling;

public sealed class ClinicSchedule
{
    // R2.3
    public static readonly TimeRange Lunch = new(new TimeOnly(12, 0), new TimeOnly(13, 0));

    // R2.4
    public static readonly TimeRange Fika = new(new TimeOnly(14, 30), new TimeOnly(15, 0));

    public static IReadOnlyList<TimeRange> DefaultBreaks { get; } = [Lunch, Fika];

    public ClinicSchedule(
        WeeklyOpeningHours openingHours,
        int dentists,
        IEnumerable<TimeRange>? breaks = null,
        IEnumerable<DateOnly>? closureDates = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dentists, 1);
        OpeningHours = openingHours;
        Dentists = dentists;
        Breaks = [.. breaks ?? DefaultBreaks];
        ClosureDates = new HashSet<DateOnly>(closureDates ?? []);
    }

    public WeeklyOpeningHours OpeningHours { get; }

    public int Dentists { get; }

    public IReadOnlyList<TimeRange> Breaks { get; }

    public IReadOnlySet<DateOnly> ClosureDates { get; }

    // Every availability read and decision needs a date's slots, and a schedule never changes.
    private const int MaxRememberedDays = 1024;
    private readonly ConcurrentDictionary<DateOnly, DaySlots> _slotsByDate = new();

    public DaySlots SlotsOn(DateOnly date) =>
        _slotsByDate.TryGetValue(date, out var slots) ? slots
        : _slotsByDate.Count < MaxRememberedDays ? _slotsByDate.GetOrAdd(date, day => SlotGenerator.ForDay(this, day))
        : SlotGenerator.ForDay(this, date);

    // When several reasons apply, the one that tells a patient the most wins.
    public ClosedReason? ClosedReasonOn(DateOnly date) =>
        SwedishPublicHolidays.IsHoliday(date) ? ClosedReason.PublicHoliday
        : ClosureDates.Contains(date) ? ClosedReason.ClosureDate
        : OpeningHours[date.DayOfWeek] is null ? ClosedReason.NotOpenThatWeekday
        : null;
}
