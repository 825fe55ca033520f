using Dentistimo.Contracts;
using Dentistimo.Contracts.Api;

namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>One set of rules for both answers, so a slot the calendar shows as bookable is one <see cref="Decide"/> accepts.</summary>
public sealed class BookingPolicy
{
    public const int DefaultHorizonDays = 90;
    public const int DefaultMaxUpcomingPerPatient = 2;

    public BookingPolicy(int horizonDays = DefaultHorizonDays, int maxUpcomingPerPatient = DefaultMaxUpcomingPerPatient)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizonDays, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxUpcomingPerPatient, 1);
        HorizonDays = horizonDays;
        MaxUpcomingPerPatient = maxUpcomingPerPatient;
    }

    // Per email address, so a few addresses cannot empty a clinic's week. PostgreSQL enforces it, since only it sees
    // every replica's decisions.
    public int MaxUpcomingPerPatient { get; }

    // Whole Stockholm dates rather than a span from now: a day the date picker offers can be booked all day.
    public int HorizonDays { get; }

    public DateOnly LastBookableDate(DateTimeOffset now) => ClinicTime.LocalDate(now).AddDays(HorizonDays - 1);

    // The most fundamental problem wins: a slot that does not exist, then one that cannot be booked now, then a full one.
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

    // R2.1. A time with no slot at all is Closed too; that is for the caller to show.
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

    private bool IsInBookingWindow(Slot slot, DateTimeOffset now) =>
        slot.StartUtc > now && slot.LocalDate <= LastBookableDate(now);
}
