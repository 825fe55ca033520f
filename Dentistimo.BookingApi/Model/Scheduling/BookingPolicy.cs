using Dentistimo.Contracts;
using Dentistimo.Contracts.Api;

namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>
/// Whether a slot can be booked right now, and how the calendar shows it. Both answers come from the
/// same rules, so a slot the calendar shows as bookable is one <see cref="Decide"/> accepts.
/// </summary>
public sealed class BookingPolicy
{
    public const int DefaultHorizonDays = 90;
    public const int DefaultMaxUpcomingPerPatient = 2;

    /// <param name="horizonDays">How many Stockholm dates, today included, take bookings; 90 by default.</param>
    /// <param name="maxUpcomingPerPatient">How many appointments not yet started one email address may hold; 2 by default.</param>
    public BookingPolicy(int horizonDays = DefaultHorizonDays, int maxUpcomingPerPatient = DefaultMaxUpcomingPerPatient)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizonDays, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxUpcomingPerPatient, 1);
        HorizonDays = horizonDays;
        MaxUpcomingPerPatient = maxUpcomingPerPatient;
    }

    /// <summary>
    /// The most appointments that have not started yet one patient (one email address, in any case, at any clinics) may
    /// hold, so that a few addresses cannot empty a clinic's week. PostgreSQL enforces it, as it does capacity, since only
    /// it sees every replica's decisions (Infrastructure/Sql/decide_bookings.sql).
    /// </summary>
    public int MaxUpcomingPerPatient { get; }

    /// <summary>
    /// The booking window in whole Stockholm dates, today and the <c>HorizonDays - 1</c> after it, rather than a span
    /// from now: a day the date picker offers can be booked all day, and the day after it not at all.
    /// </summary>
    public int HorizonDays { get; }

    /// <summary>The last Stockholm date that takes bookings at <paramref name="now"/>.</summary>
    public DateOnly LastBookableDate(DateTimeOffset now) => ClinicTime.LocalDate(now).AddDays(HorizonDays - 1);

    /// <summary>
    /// Decides a request for the slot starting at <paramref name="requestedStart"/> (any offset; compared as an instant).
    /// The most fundamental problem wins: a slot that does not exist, then one that cannot be booked now, then a full one.
    /// </summary>
    /// <param name="bookedCount">Bookings already held for that slot; more than the capacity counts as full.</param>
    public BookingDecision Decide(ClinicSchedule clinic, DateTimeOffset requestedStart, int bookedCount, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bookedCount);
        var slot = clinic.SlotsOn(ClinicTime.LocalDate(requestedStart))
            .Slots.SingleOrDefault(slot => slot.StartUtc == requestedStart);

        return slot is null ? BookingDecision.Reject(null, RejectionReason.NoSuchSlot)
            : !IsInBookingWindow(slot, now) ? BookingDecision.Reject(slot, RejectionReason.OutsideBookingWindow)
            : bookedCount >= slot.Capacity ? BookingDecision.Reject(slot, RejectionReason.FullyBooked)
            : BookingDecision.Accept(slot);
    }

    /// <summary>
    /// The R2.1 colour of a slot. A time with no slot at all (closed day, break, outside hours) is
    /// <see cref="SlotState.Closed"/> too; that is for the caller to show, as there is no slot to pass in.
    /// </summary>
    public SlotState Classify(Slot slot, int bookedCount, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bookedCount);
        var free = slot.Capacity - bookedCount;
        return slot.StartUtc <= now ? SlotState.Past
            : !IsInBookingWindow(slot, now) ? SlotState.Closed
            : free <= 0 ? SlotState.Full
            : free <= SlotStateCodes.FewLeftThreshold(slot.Capacity) ? SlotState.FewLeft
            : SlotState.Available;
    }

    /// <summary>Strictly in the future and on a date no later than <see cref="LastBookableDate"/>.</summary>
    private bool IsInBookingWindow(Slot slot, DateTimeOffset now) =>
        slot.StartUtc > now && slot.LocalDate <= LastBookableDate(now);
}
