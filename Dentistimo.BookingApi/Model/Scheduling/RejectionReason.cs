namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>Why a booking request is turned down. The API exposes these via <see cref="ApiCodes"/>.</summary>
public enum RejectionReason
{
    /// <summary>Every dentist is taken in that slot.</summary>
    FullyBooked,

    /// <summary>The clinic offers no slot starting then: not on :00/:30, outside its hours, in a break, or a closed day.</summary>
    NoSuchSlot,

    /// <summary>The slot has already started, or lies beyond the booking horizon.</summary>
    OutsideBookingWindow,

    /// <summary>Decided where bookings are stored, not here: the patient already holds an appointment.</summary>
    PatientAlreadyBooked,

    /// <summary>Decided where bookings are stored, not here: the patient already holds the most upcoming appointments allowed.</summary>
    PatientLimitReached,
}
