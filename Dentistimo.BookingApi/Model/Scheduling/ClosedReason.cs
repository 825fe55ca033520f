namespace Dentistimo.BookingApi.Model.Scheduling;

public enum ClosedReason
{
    NotOpenThatWeekday,
    PublicHoliday,
    ClosureDate,
}
