using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Dentistimo.BookingApi.Model;
using Dentistimo.BookingApi.Model.Scheduling;
using Dentistimo.BookingApi.Services;
using Dentistimo.Contracts.Api;

namespace Dentistimo.BookingApi.Apis;

public sealed record CreateBookingRequest(string? RequestId, int? ClinicId, string? Start, PatientRequest? Patient, string? Language)
{
    public static CreateBookingRequest Missing { get; } = new(null, null, null, null, null);
}

public sealed record PatientRequest(string? Name, string? Email, string? Phone);

/// <summary>Field by field, so the patient learns everything wrong at once.</summary>
public static partial class BookingRequestValidator
{
    public const int MaxNameLength = PatientDetailsFormat.MaxNameLength;
    public const int MaxEmailLength = PatientDetailsFormat.MaxEmailLength;
    public static readonly IReadOnlySet<string> Languages = new HashSet<string> { "sv", "en" };

    public static BookingCommand? Validate(CreateBookingRequest request, out Dictionary<string, string[]> errors)
    {
        errors = [];

        Guid requestId = default;
        if (string.IsNullOrWhiteSpace(request.RequestId))
        {
            errors["requestId"] = ["Give a request id: a UUID the client makes once per booking form."];
        }
        else if (!Guid.TryParseExact(request.RequestId, "D", out requestId))
        {
            errors["requestId"] = ["The request id must be a UUID such as 3f2c9a4e-5b1d-4c7e-9a0b-2d6f8e1c4b7a."];
        }
        else if (requestId == Guid.Empty)
        {
            errors["requestId"] = ["The request id must not be the nil UUID: every client would share it. Make a random one per booking form."];
        }

        if (request.ClinicId is not > 0)
        {
            errors["clinicId"] = ["Choose a clinic."];
        }

        if (!TryParseStart(request.Start, out var start, out var startError))
        {
            errors["start"] = [startError];
        }

        var name = request.Patient?.Name?.Trim();
        var email = request.Patient?.Email?.Trim();
        var phone = string.IsNullOrWhiteSpace(request.Patient?.Phone) ? null : request.Patient.Phone.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors["patient.name"] = ["Enter your name."];
        }
        else if (name.Length > MaxNameLength)
        {
            errors["patient.name"] = [$"Use at most {MaxNameLength} characters."];
        }
        else if (!NamePattern().IsMatch(name))
        {
            errors["patient.name"] = ["Use letters, spaces, hyphens, apostrophes and full stops."];
        }

        if (string.IsNullOrEmpty(email))
        {
            errors["patient.email"] = ["Enter your email address."];
        }
        else
        {
            // Kept, compared and sent with its domain in ASCII, which may make it longer.
            email = email.Length <= MaxEmailLength && EmailPattern().IsMatch(email) ? PatientDetailsFormat.WithAsciiDomain(email) : null;
            if (email is not { Length: <= MaxEmailLength })
            {
                errors["patient.email"] = ["Enter an email address such as name@example.com."];
            }
        }

        if (phone is not null && !PhonePattern().IsMatch(phone))
        {
            errors["patient.phone"] = ["Enter a phone number of 6 to 15 digits, such as +46 31 123 45 67, or leave it empty."];
        }

        if (request.Language is null || !Languages.Contains(request.Language))
        {
            errors["language"] = ["The language must be \"sv\" or \"en\"."];
        }

        return errors.Count > 0
            ? null
            : new BookingCommand(requestId, request.ClinicId!.Value, start, new PatientDetails(name!, email!, phone), request.Language!);
    }

    // An instant with its offset: a local time would be read in the server's zone.
    public static bool TryParseStart(string? text, out DateTimeOffset start, [NotNullWhen(false)] out string? error)
    {
        start = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "Choose a time.";
        }
        else if (!DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"],
                     CultureInfo.InvariantCulture, DateTimeStyles.None, out start) || !HasExplicitOffset(text))
        {
            error = "The time must be an ISO 8601 instant with its offset, such as 2026-11-23T09:00:00+01:00 or 2026-11-23T08:00:00Z.";
        }
        else
        {
            error = StockholmTime.IsSupported(start) ? null : $"The time must be in {StockholmTime.SupportedYears}.";
        }

        return error is null;
    }

    private static bool HasExplicitOffset(string text) => text.EndsWith('Z') || OffsetSuffixPattern().IsMatch(text);

    [GeneratedRegex("^(?:" + PatientDetailsFormat.Name + ")$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^(?:" + PatientDetailsFormat.Email + ")$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex("^(?:" + PatientDetailsFormat.Phone + ")$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"[+\-]\d{2}:\d{2}$")]
    private static partial Regex OffsetSuffixPattern();
}
