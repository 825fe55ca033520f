using System.Text.Json.Serialization;

namespace Dentistimo.Contracts.Api;

/// <summary>No patient details: the id is the patient's only key.</summary>
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
