using Dentistimo.Contracts.Api;

namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>Renaming an enum member must not change the strings clients see.</summary>
public static class ApiCodes
{
    public static string ToApiCode(this RejectionReason reason) => reason switch
    {
        RejectionReason.FullyBooked => RejectionCodes.FullyBooked,
        RejectionReason.NoSuchSlot => RejectionCodes.NoSuchSlot,
        RejectionReason.OutsideBookingWindow => RejectionCodes.OutsideBookingWindow,
        RejectionReason.PatientAlreadyBooked => RejectionCodes.PatientAlreadyBooked,
        RejectionReason.PatientLimitReached => RejectionCodes.PatientLimitReached,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    public static string ToApiCode(this SlotState state) => state switch
    {
        SlotState.Available => SlotStateCodes.Available,
        SlotState.FewLeft => SlotStateCodes.FewLeft,
        SlotState.Full => SlotStateCodes.Full,
        SlotState.Past => SlotStateCodes.Past,
        SlotState.Closed => SlotStateCodes.Closed,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static string ToApiCode(this ClosedReason reason) => reason switch
    {
        ClosedReason.NotOpenThatWeekday => ClosedReasonCodes.NotOpenThatWeekday,
        ClosedReason.PublicHoliday => ClosedReasonCodes.PublicHoliday,
        ClosedReason.ClosureDate => ClosedReasonCodes.ClosureDate,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
