namespace Dentistimo.BookingApi.Model.Scheduling;

public sealed record Slot(DateOnly LocalDate, TimeOnly LocalStart, DateTimeOffset StartUtc, int Capacity)
{
    // R2.2
    public static readonly TimeSpan Length = TimeSpan.FromMinutes(30);

    // Elapsed time, not wall-clock time: a slot that straddles a DST change still lasts 30 minutes.
    public DateTimeOffset EndUtc => StartUtc + Length;
}

public sealed record DaySlots(DateOnly LocalDate, IReadOnlyList<Slot> Slots, ClosedReason? ClosedReason)
{
    public bool IsClosed => ClosedReason is not null;
}
