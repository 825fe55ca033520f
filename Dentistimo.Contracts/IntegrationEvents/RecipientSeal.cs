using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Dentistimo.Contracts.IntegrationEvents;

/// <summary>Authenticated with the request id, so a sealed recipient copied into another event does not open.</summary>
public sealed class RecipientSeal
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, byte[]> _keys = [];

    public RecipientSeal(string key, string? previousKey = null)
    {
        var (id, current) = Derive(key);
        KeyId = id;
        _keys[id] = current;
        if (previousKey is not null && previousKey != key)
        {
            var (previousId, previous) = Derive(previousKey);
            if (!_keys.TryAdd(previousId, previous))
            {
                throw new ArgumentException("The previous key has the same key id as the key: choose another key.", nameof(previousKey));
            }
        }
    }

    // Safe to log.
    public string KeyId { get; }

    public SealedRecipient Seal(BookingRecipient recipient, Guid requestId)
    {
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(new Contact(recipient.Name, recipient.Email), s_json);
        var envelope = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = envelope.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_keys[KeyId], TagSize))
        {
            aes.Encrypt(nonce, plaintext, envelope.AsSpan(NonceSize, plaintext.Length), envelope.AsSpan(NonceSize + plaintext.Length), requestId.ToByteArray());
        }

        return new SealedRecipient(KeyId, Convert.ToBase64String(envelope), recipient.Language);
    }

    public BookingRecipient Open(SealedRecipient sealedRecipient, Guid requestId)
    {
        if (sealedRecipient.KeyId is not { } keyId || !_keys.TryGetValue(keyId, out var key))
        {
            throw new RecipientSealException(
                $"the recipient is sealed with key '{sealedRecipient.KeyId}', which is not held here (held: {string.Join(", ", _keys.Keys)})");
        }

        byte[] envelope;
        try
        {
            envelope = Convert.FromBase64String(sealedRecipient.Contact ?? "");
        }
        catch (FormatException)
        {
            envelope = [];
        }

        if (envelope.Length < NonceSize + TagSize)
        {
            throw new RecipientSealException($"the recipient sealed with key '{keyId}' is not a sealed recipient");
        }

        var ciphertextLength = envelope.Length - NonceSize - TagSize;
        var plaintext = new byte[ciphertextLength];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(
                envelope.AsSpan(0, NonceSize), envelope.AsSpan(NonceSize, ciphertextLength), envelope.AsSpan(NonceSize + ciphertextLength, TagSize),
                plaintext, requestId.ToByteArray());
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new RecipientSealException(
                $"the recipient sealed with key '{keyId}' does not open with it: it was altered, or sealed for another request");
        }

        var contact = JsonSerializer.Deserialize<Contact>(plaintext, s_json)!;
        return new BookingRecipient(contact.Name, contact.Email, sealedRecipient.Language);
    }

    // HKDF, not a password hash: the secret is random and needs no stretching.
    private static (string Id, byte[] Key) Derive(string secret)
    {
        var material = Encoding.UTF8.GetBytes(secret);
        var id = HKDF.DeriveKey(HashAlgorithmName.SHA256, material, 4, info: "dentistimo recipient seal: key id"u8.ToArray());
        return (Convert.ToHexStringLower(id), HKDF.DeriveKey(HashAlgorithmName.SHA256, material, 32, info: "dentistimo recipient seal: key"u8.ToArray()));
    }

    private sealed record Contact(string Name, string Email);
}

public sealed class RecipientSealException(string message) : Exception(message);
