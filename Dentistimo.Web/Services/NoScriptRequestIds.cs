using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Dentistimo.Contracts.Api;
using Microsoft.Extensions.Options;

namespace Dentistimo.Web.Services;

public sealed class NoScriptRequestIdOptions
{
    public const string SectionName = "NoScriptRequestIds";

    // Shared by every replica: unset, each makes its own, and a form sent again to another replica is a second request.
    [MinLength(16)]
    public string? Key { get; set; }
}

// Without scripts the browser makes no request id, so one is derived from the form. Request ids are logged, so it is
// keyed: a plain hash would let anyone reading the logs check a guess of who booked when.
public sealed class NoScriptRequestIds(IOptions<NoScriptRequestIdOptions> options)
{
    private readonly byte[] _key = options.Value.Key is { } key ? Encoding.UTF8.GetBytes(key) : RandomNumberGenerator.GetBytes(32);

    // A version 8 (RFC 9562, custom) UUID.
    public Guid For(int clinicId, DateTimeOffset start, string name, string email, string? phone, string language)
    {
        var hash = HMACSHA256.HashData(_key, BookingRequestIdentity.Hash(clinicId, start, name, email, phone, language));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
