namespace Dentistimo.Contracts.Api;

/// <summary>Authorised by the manage token as a bearer token, never in the URL.</summary>
public sealed record MoveBookingRequest(string? Start);

/// <param name="ChangeableUntil">Null when it cannot be changed online at all.</param>
/// <param name="MovesStartAfter">A move's new time must start after this; null when it cannot be changed online at all.</param>
public sealed record ManagedBookingResponse(
    BookingResponse Booking, DateTimeOffset? ChangeableUntil, string? ClinicPhone, DateTimeOffset? MovesStartAfter = null);
