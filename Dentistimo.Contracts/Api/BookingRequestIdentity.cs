using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Dentistimo.Contracts.Api;

/// <summary>A retry must match its original in every field hashed here.</summary>
public static class BookingRequestIdentity
{
    public static byte[] Hash(int clinicId, DateTimeOffset start, string name, string email, string? phone, string language)
    {
        var canonical = string.Join('\n',
            clinicId.ToString(CultureInfo.InvariantCulture), start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            name, email.ToLowerInvariant(), phone, language);
        return SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
    }
}
