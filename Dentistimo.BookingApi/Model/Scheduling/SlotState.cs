namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>R2.1: how the calendar colours a slot.</summary>
public enum SlotState
{
    Available,
    FewLeft,
    Full,
    Past,

    // Not past, but the clinic is closed then or it is beyond the booking horizon.
    Closed,
}
