namespace Dentistimo.BookingApi.Model.Scheduling;

public static class SlotGenerator
{
    // On a DST day skipped wall-clock times have no slot and repeated ones a single slot, so starts strictly increase.
    public static DaySlots ForDay(ClinicSchedule clinic, DateOnly date)
    {
        if (clinic.ClosedReasonOn(date) is { } closedReason)
        {
            return new DaySlots(date, [], closedReason);
        }

        var hours = clinic.OpeningHours[date.DayOfWeek]!;
        var slots = new List<Slot>();
        // TimeSpan rather than TimeOnly arithmetic, which would wrap past midnight.
        for (var start = RoundUpToSlotBoundary(hours.Start.ToTimeSpan()); start + Slot.Length <= hours.End.ToTimeSpan(); start += Slot.Length)
        {
            var local = new TimeRange(TimeOnly.FromTimeSpan(start), TimeOnly.FromTimeSpan(start + Slot.Length));
            if (clinic.Breaks.Any(local.Overlaps) || !StockholmTime.TryToUtc(date, local.Start, out var startUtc))
            {
                continue;
            }

            slots.Add(new Slot(date, local.Start, startUtc, clinic.Dentists));
        }

        return new DaySlots(date, slots, ClosedReason: null);
    }

    private static TimeSpan RoundUpToSlotBoundary(TimeSpan time) =>
        TimeSpan.FromTicks((time.Ticks + Slot.Length.Ticks - 1) / Slot.Length.Ticks * Slot.Length.Ticks);
}
