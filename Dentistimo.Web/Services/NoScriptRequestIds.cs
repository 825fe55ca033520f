using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Dentistimo.Contracts.Api;
using Microsoft.Extensions.Options;

namespace Dentistimo.Web.Services;

public sealed class NoScriptRequestIdOptions
{
    public const string SectionName = "NoScriptRequestIds";

    /// <summary>
    /// The secret every web replica derives request ids with (the AppHost generates one). Unset, each process makes its
    /// own at start: enough for one replica, but behind a load balancer a form sent again to another replica would be a
    /// second request, which BookingApi turns down as the patient's second appointment at that time.
    /// </summary>
    [MinLength(16)]
    public string? Key { get; set; }
}

/// <summary>
/// Without scripts the browser makes no request id (book.js does), so one is derived from what the form asks for: a
/// double click or a form sent again is then the same request, answered the same way, not a second booking request.
/// Request ids are logged, so the derivation is keyed (HMAC-SHA256): a plain hash of the patient's name, email and
/// time would let anyone reading the logs check a guess of who booked when.
/// </summary>
public sealed class NoScriptRequestIds(IOptions<NoScriptRequestIdOptions> options)
{
    private readonly byte[] _key = options.Value.Key is { } key ? Encoding.UTF8.GetBytes(key) : RandomNumberGenerator.GetBytes(32);

    /// <returns>A version 8 (RFC 9562, custom) UUID of the fields BookingApi compares when it sees a request id again.</returns>
    public Guid For(int clinicId, DateTimeOffset start, string name, string email, string? phone, string language)
    {
        var hash = HMACSHA256.HashData(_key, BookingRequestIdentity.Hash(clinicId, start, name, email, phone, language));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
