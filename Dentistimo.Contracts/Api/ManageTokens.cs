using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Dentistimo.Contracts.Api;

/// <summary>
/// The key to cancel or move one booking, carried by the link in its emails: an HMAC-SHA256 of the booking id under a
/// key derived from <c>RecipientSeal:Key</c>. BookingApi checks it and the notifier puts it in its links, with the
/// secret both already hold; nothing stores it, and it is never in an event.
/// </summary>
public sealed class ManageTokens
{
    /// <summary>The length of every token <see cref="For"/> makes.</summary>
    public const int Length = 43;

    private static readonly SearchValues<char> s_base64UrlCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private readonly byte[] _key;
    private readonly byte[]? _previousKey;

    /// <param name="key">The recipient seal's secret.</param>
    /// <param name="previousKey">The secret before the last rotation: links in emails sent before it still work.</param>
    public ManageTokens(string key, string? previousKey = null)
    {
        _key = Derive(key);
        _previousKey = previousKey is null || previousKey == key ? null : Derive(previousKey);
    }

    /// <summary>43 URL-safe characters.</summary>
    public string For(Guid bookingId) => Base64Url.EncodeToString(Mac(_key, bookingId));

    /// <summary>
    /// Whether <paramref name="token"/> has a token's form: <see cref="Length"/> URL-safe base64 characters. Whatever came
    /// in a link is checked with this before it goes into a request header: a control or non-ASCII character there makes
    /// HttpClient throw, and its resilience handler counts that as BookingApi failing.
    /// </summary>
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
