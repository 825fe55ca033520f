using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Dentistimo.Contracts.Api;

/// <summary>An HMAC of the booking id under a key derived from <c>RecipientSeal:Key</c>, so nothing stores it.</summary>
public sealed class ManageTokens
{
    public const int Length = 43;

    private static readonly SearchValues<char> s_base64UrlCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private readonly byte[] _key;
    private readonly byte[]? _previousKey;

    public ManageTokens(string key, string? previousKey = null)
    {
        _key = Derive(key);
        _previousKey = previousKey is null || previousKey == key ? null : Derive(previousKey);
    }

    public string For(Guid bookingId) => Base64Url.EncodeToString(Mac(_key, bookingId));

    // Checked before a token goes into a header: a control character there makes HttpClient throw, which its
    // resilience handler counts as BookingApi failing.
    public static bool IsWellFormed([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? token) =>
        token is { Length: Length } && !token.AsSpan().ContainsAnyExcept(s_base64UrlCharacters);

    public bool IsValid(Guid bookingId, string? token)
    {
        var given = new byte[32];
        if (token is null || !Base64Url.IsValid(token) || !Base64Url.TryDecodeFromChars(token, given, out var length) || length != given.Length)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(given, Mac(_key, bookingId))
            | (_previousKey is not null && CryptographicOperations.FixedTimeEquals(given, Mac(_previousKey, bookingId)));
    }

    private static byte[] Mac(byte[] key, Guid bookingId) => HMACSHA256.HashData(key, bookingId.ToByteArray());

    private static byte[] Derive(string secret) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, info: "dentistimo manage link: key"u8.ToArray());
}
