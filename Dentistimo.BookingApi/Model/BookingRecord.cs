namespace Dentistimo.BookingApi.Model;

public enum BookingStatus
{
    Confirmed,
    Rejected,

    Cancelled,
}

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
