using System.Text.Json.Serialization;

namespace Dentistimo.Contracts.Api;

/// <summary>
/// BookingApi's answer about a booking request (<c>POST /api/bookings</c>, <c>GET /api/bookings/{id}</c>): the decision
/// and the appointment. It carries no patient details: the id is the patient's only key to it. BookingApi writes it
/// and the web reads it, so the two cannot drift apart.
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
    string Language)
{
    public const string ConfirmedStatus = "confirmed";
    public const string RejectedStatus = "rejected";

    [JsonIgnore]
    public bool IsConfirmed => Status == ConfirmedStatus;
}
