using System.Collections.Concurrent;
using Dentistimo.Scenarios;

namespace Dentistimo.Testing;

/// <summary>
/// MailDev as the tests read it: the scenarios' <see cref="MailDevApi"/>, plus waiting for emails to arrive. Tests tell
/// their emails apart by unique recipient addresses.
/// </summary>
public sealed class MailDevInbox(Uri webUrl)
{
    private static readonly ConcurrentDictionary<Uri, MailDevApi> s_apis = new();

    private readonly MailDevApi _api = s_apis.GetOrAdd(webUrl, url => new MailDevApi(new HttpClient { BaseAddress = url }));

    public Task<IReadOnlyList<CaughtEmail>> ForRecipientAsync(string address) => _api.ForRecipientAsync(address, CancellationToken.None);

    public Task<string> GetAttachmentAsync(CaughtEmail email, CaughtAttachment attachment) =>
        _api.GetAttachmentAsync(email, attachment, CancellationToken.None);

    public async Task<IReadOnlyList<CaughtEmail>> WaitForAsync(string address, int count, TimeSpan timeout)
    {
        IReadOnlyList<CaughtEmail> emails = [];
        await Eventually.TrueAsync(async () => (emails = await ForRecipientAsync(address)).Count >= count, timeout, $"{count} email(s) to arrive");
        return emails;
    }
}
