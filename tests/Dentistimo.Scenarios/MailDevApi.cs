using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Dentistimo.Scenarios;

/// <summary>The emails MailDev caught, read through its REST API (<c>GET /email</c>). Patients are told apart by unique addresses.</summary>
public sealed class MailDevApi(HttpClient http)
{
    public async Task<IReadOnlyDictionary<string, List<CaughtEmail>>> ForRecipientsAsync(IReadOnlyCollection<string> addresses, CancellationToken ct)
    {
        var all = await http.GetFromJsonAsync<List<CaughtEmail>>("email", ct) ?? [];
        return addresses.ToDictionary(
            address => address,
            address => all.Where(email => email.To is { } recipients && recipients.Any(to => string.Equals(to.Address, address, StringComparison.OrdinalIgnoreCase))).ToList(),
            StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The emails to one address, filtered by MailDev itself: a shared MailDev may hold thousands from benchmarks.</summary>
    public async Task<IReadOnlyList<CaughtEmail>> ForRecipientAsync(string address, CancellationToken ct) =>
        await http.GetFromJsonAsync<List<CaughtEmail>>($"email?to.address={Uri.EscapeDataString(address)}", ct) ?? [];

    public Task<string> GetAttachmentAsync(CaughtEmail email, CaughtAttachment attachment, CancellationToken ct) =>
        http.GetStringAsync($"email/{Uri.EscapeDataString(email.Id)}/attachment/{Uri.EscapeDataString(attachment.GeneratedFileName)}", ct);
}

public sealed record CaughtEmail(
    string Id,
    string Subject,
    string? Text,
    string? Html,
    IReadOnlyList<CaughtAddress>? To, // absent when an email had no To header, which a shared MailDev may hold
    IReadOnlyList<CaughtAddress>? From,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyList<CaughtAttachment>? Attachments)
{
    /// <summary>A header's value, whatever the case of its name (MailDev keeps names as the sender wrote them).</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

public sealed record CaughtAddress(string Address, string? Name);

public sealed record CaughtAttachment(
    string ContentType,
    string? FileName,
    [property: JsonPropertyName("generatedFileName")] string GeneratedFileName);
