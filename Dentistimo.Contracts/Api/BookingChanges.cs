namespace Dentistimo.Contracts.Api;

/// <summary>
/// The body of <c>POST /api/bookings/{id}/move</c>: the new start at the same clinic, an ISO 8601 instant with its
/// offset as a booking's is. Like the cancellation, it is authorised by the booking's <see cref="ManageTokens"/> token
/// as a bearer token, never in the URL.
/// </summary>
public sealed record MoveBookingRequest(string? Start);

/// <summary>
/// <c>GET /api/bookings/{id}/manage</c> (bearer token): the booking as the page that cancels or moves it shows it.
/// </summary>
/// <param name="ChangeableUntil">Until when it can be cancelled or moved online; null when it cannot be at all.</param>
/// <param name="ClinicPhone">Whom to call when it is too late to change online.</param>
public sealed record ManagedBookingResponse(BookingResponse Booking, DateTimeOffset? ChangeableUntil, string? ClinicPhone);
