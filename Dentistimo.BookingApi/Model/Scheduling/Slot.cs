namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>One bookable appointment time at a clinic, for up to <see cref="Capacity"/> patients at once.</summary>
/// <param name="LocalDate">The Stockholm date the slot belongs to.</param>
/// <param name="LocalStart">The Stockholm clock time shown to patients.</param>
/// <param name="StartUtc">The instant the slot starts; this is what bookings refer to.</param>
public sealed record Slot(DateOnly LocalDate, TimeOnly LocalStart, DateTimeOffset StartUtc, int Capacity)
{
    /// <summary>R2.2: every appointment lasts half an hour.</summary>
    public static readonly TimeSpan Length = TimeSpan.FromMinutes(30);

    /// <summary>Elapsed time, not wall-clock time: a slot that straddles a DST change still lasts 30 minutes.</summary>
    public DateTimeOffset EndUtc => StartUtc + Length;
}

/// <summary>A clinic's slots on one local date; no slots and a <see cref="ClosedReason"/> when it is closed.</summary>
public sealed record DaySlots(DateOnly LocalDate, IReadOnlyList<Slot> Slots, ClosedReason? ClosedReason)
{
    public bool IsClosed => ClosedReason is not null;
}
