namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>
/// The stable strings clients see. They are a public contract: renaming an enum member must not change them.
/// </summary>
public static class ApiCodes
{
    public static string ToApiCode(this RejectionReason reason) => reason switch
    {
        RejectionReason.FullyBooked => "fully-booked",
        RejectionReason.NoSuchSlot => "no-such-slot",
        RejectionReason.OutsideBookingWindow => "outside-booking-window",
        RejectionReason.PatientAlreadyBooked => "patient-already-booked",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    public static string ToApiCode(this SlotState state) => state switch
    {
        SlotState.Available => "available",
        SlotState.FewLeft => "few-left",
        SlotState.Full => "full",
        SlotState.Past => "past",
        SlotState.Closed => "closed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static string ToApiCode(this ClosedReason reason) => reason switch
    {
        ClosedReason.NotOpenThatWeekday => "not-open-that-weekday",
        ClosedReason.PublicHoliday => "public-holiday",
        ClosedReason.ClosureDate => "closure-date",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
