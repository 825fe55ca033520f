using System.Collections.Concurrent;

namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>Everything that decides when a clinic can see patients, independent of who has booked.</summary>
public sealed class ClinicSchedule
{
    /// <summary>R2.3: no appointments over lunch.</summary>
    public static readonly TimeRange Lunch = new(new TimeOnly(12, 0), new TimeOnly(13, 0));

    /// <summary>R2.4: no appointments over fika.</summary>
    public static readonly TimeRange Fika = new(new TimeOnly(14, 30), new TimeOnly(15, 0));

    public static IReadOnlyList<TimeRange> DefaultBreaks { get; } = [Lunch, Fika];

    /// <param name="breaks">Defaults to <see cref="DefaultBreaks"/>; pass an empty list for a clinic without breaks.</param>
    /// <param name="closureDates">Extra local dates the clinic is closed on top of Swedish public holidays.</param>
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

    /// <summary>Each dentist treats one patient per slot, so this is every slot's capacity.</summary>
    public int Dentists { get; }

    public IReadOnlyList<TimeRange> Breaks { get; }

    public IReadOnlySet<DateOnly> ClosureDates { get; }

    // A schedule never changes, so a date's slots are worked out once: every availability read and booking decision needs them.
    private const int MaxRememberedDays = 1024;
    private readonly ConcurrentDictionary<DateOnly, DaySlots> _slotsByDate = new();

    /// <summary><see cref="SlotGenerator.ForDay"/>, remembered for up to <see cref="MaxRememberedDays"/> dates.</summary>
    public DaySlots SlotsOn(DateOnly date) =>
        _slotsByDate.TryGetValue(date, out var slots) ? slots
        : _slotsByDate.Count < MaxRememberedDays ? _slotsByDate.GetOrAdd(date, day => SlotGenerator.ForDay(this, day))
        : SlotGenerator.ForDay(this, date);

    /// <summary>
    /// Null when the clinic opens on that local date. When several reasons apply, the one that tells
    /// a patient the most wins: a public holiday, then the clinic's own closure, then its weekly hours.
    /// </summary>
    public ClosedReason? ClosedReasonOn(DateOnly date) =>
        SwedishPublicHolidays.IsHoliday(date) ? ClosedReason.PublicHoliday
        : ClosureDates.Contains(date) ? ClosedReason.ClosureDate
        : OpeningHours[date.DayOfWeek] is null ? ClosedReason.NotOpenThatWeekday
        : null;
}
