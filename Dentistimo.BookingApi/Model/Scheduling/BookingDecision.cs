namespace Dentistimo.BookingApi.Model.Scheduling;

/// <param name="Slot">Null only when there is no such slot.</param>
public sealed record BookingDecision(Slot? Slot, RejectionReason? Rejection)
{
    public bool IsAccepted => Rejection is null;

    public static BookingDecision Accept(Slot slot) => new(slot, Rejection: null);

    public static BookingDecision Reject(Slot? slot, RejectionReason reason) => new(slot, reason);
}
