namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>R2.1: how the calendar colours a slot. The API exposes these via <see cref="ApiCodes"/>.</summary>
public enum SlotState
{
    Available,

    /// <summary>Bookable, but close to full; see <see cref="Contracts.Api.SlotStateCodes.FewLeftThreshold"/>.</summary>
    FewLeft,

    Full,

    /// <summary>Already started.</summary>
    Past,

    /// <summary>Not bookable although it is not past: the clinic is closed then, or it is beyond the booking horizon.</summary>
    Closed,
}
