using System.Text.Json.Serialization;

namespace Dentistimo.Contracts.Api;

/// <summary>
/// BookingApi's answer about a booking request (<c>POST /api/bookings</c>, <c>GET /api/bookings/{id}</c>): the decision
/// and the appointment. It carries no patient details: the id is the patient's only key to it. BookingApi writes it
/// and the web reads it, so the two cannot drift apart. <see cref="ManageToken"/> is in the answer to the request alone
/// (<c>POST</c>, and its retries): the key to cancel or move the appointment (<see cref="ManageTokens"/>).
/// </summary>
public sealed record BookingResponse(
    Guid Id,
    Guid RequestId,
    string Status,
    string? ReasonCode,
    string? Reason,
    string? Reference,
    int ClinicId,
    string? ClinicName,
    DateTimeOffset Start,
    DateTimeOffset End,
    DateTimeOffset LocalStart,
    string Language,
    string? ManageToken = null)
{
    public const string ConfirmedStatus = "confirmed";
    public const string RejectedStatus = "rejected";
    public const string CancelledStatus = "cancelled";

    [JsonIgnore]
    public bool IsConfirmed => Status == ConfirmedStatus;
}
