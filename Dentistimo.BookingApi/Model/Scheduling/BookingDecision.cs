namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>The outcome of <see cref="BookingPolicy.Decide"/>.</summary>
/// <param name="Slot">The slot the request refers to; null only when there is no such slot.</param>
/// <param name="Rejection">Null when the booking may go ahead.</param>
public sealed record BookingDecision(Slot? Slot, RejectionReason? Rejection)
{
    public bool IsAccepted => Rejection is null;

    public static BookingDecision Accept(Slot slot) => new(slot, Rejection: null);

    public static BookingDecision Reject(Slot? slot, RejectionReason reason) => new(slot, reason);
}
