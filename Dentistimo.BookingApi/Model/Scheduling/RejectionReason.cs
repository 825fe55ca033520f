namespace Dentistimo.BookingApi.Model.Scheduling;

public enum RejectionReason
{
    FullyBooked,
    NoSuchSlot,
    OutsideBookingWindow,

    // These two are decided by PostgreSQL, where the bookings are.
    PatientAlreadyBooked,
    PatientLimitReached,
}
