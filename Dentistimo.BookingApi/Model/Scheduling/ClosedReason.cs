namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>Why a clinic has no slots on a date.</summary>
public enum ClosedReason
{
    NotOpenThatWeekday,
    PublicHoliday,
    ClosureDate,
}
