using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Dentistimo.Contracts.Api;

/// <summary>
/// What makes two booking requests "the same request": a retry must match the original in every one of these fields.
/// BookingApi keeps this hash with each decision and refuses a reused request id whose request differs; the web derives
/// a request id from it when the browser made none (scripts off), so that a resubmitted form is that same request.
/// </summary>
public static class BookingRequestIdentity
{
    /// <summary>SHA-256 of the clinic, the start (as UTC), name, email (in any case), phone and language, as given.</summary>
    public static byte[] Hash(int clinicId, DateTimeOffset start, string name, string email, string? phone, string language)
    {
        var canonical = string.Join('\n',
            clinicId.ToString(CultureInfo.InvariantCulture), start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            name, email.ToLowerInvariant(), phone, language);
        return SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
    }
}
