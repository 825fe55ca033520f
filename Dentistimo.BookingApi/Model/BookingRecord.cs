namespace Dentistimo.BookingApi.Model;

public enum BookingStatus
{
    Confirmed,
    Rejected,

    /// <summary>Confirmed, then cancelled by the patient: its seat is free again.</summary>
    Cancelled,
}

/// <summary>A booking request and its one decision, as stored. Patient details stay in the database and in emails, never in logs.</summary>
public sealed record BookingRecord(
    Guid Id,
    Guid RequestId,
    string Fingerprint,
    int ClinicId,
    DateTimeOffset StartUtc,
    BookingStatus Status,
    string? ReasonCode,
    string? Reference,
    PatientDetails Patient,
    string Language,
    DateTimeOffset DecidedAt);

public sealed record PatientDetails(string Name, string Email, string? Phone);
