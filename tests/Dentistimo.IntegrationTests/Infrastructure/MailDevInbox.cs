using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Dentistimo.IntegrationTests.Infrastructure;

/// <summary>What MailDev received, read through its REST API. Tests tell their emails apart by unique recipient addresses.</summary>
public sealed class MailDevInbox(Uri webUrl)
{
    private static readonly HttpClient s_http = new();

    public async Task<IReadOnlyList<ReceivedEmail>> ForRecipientAsync(string address)
    {
        // Filtered by MailDev: a shared MailDev may hold thousands of emails from benchmarks, and emails without a To.
        return await s_http.GetFromJsonAsync<List<ReceivedEmail>>(new Uri(webUrl, $"email?to.address={Uri.EscapeDataString(address)}")) ?? [];
    }

    public async Task<string> GetAttachmentAsync(ReceivedEmail email, string generatedFileName) =>
        await s_http.GetStringAsync(new Uri(webUrl, $"email/{email.Id}/attachment/{Uri.EscapeDataString(generatedFileName)}"));

    public async Task<IReadOnlyList<ReceivedEmail>> WaitForAsync(string address, int count, TimeSpan timeout)
    {
        IReadOnlyList<ReceivedEmail> emails = [];
        await Eventually.TrueAsync(async () => (emails = await ForRecipientAsync(address)).Count >= count, timeout, $"{count} email(s) to arrive");
        return emails;
    }
}

public sealed record ReceivedEmail(
    string Id,
    string Subject,
    string? Text,
    string? Html,
    IReadOnlyList<EmailAddress> To,
    IReadOnlyList<EmailAddress> From,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyList<ReceivedAttachment>? Attachments);

public sealed record EmailAddress(string Address, string? Name);

public sealed record ReceivedAttachment(
    string ContentType,
    string? FileName,
    [property: JsonPropertyName("generatedFileName")] string GeneratedFileName);
