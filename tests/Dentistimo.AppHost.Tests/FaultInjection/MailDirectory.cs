using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Dentistimo.AppHost.Tests.FaultInjection;

/// <summary>
/// The booking emails MailDev accepted, read from the .eml files in its mail directory rather than from its REST API:
/// a file is there the moment MailDev accepts an email, and it survives a restart of MailDev, whose API reloads them
/// only gradually. Each email is recognised by its Message-ID, which the notifier derives from the booking request.
/// </summary>
public sealed partial class MailDirectory(string path)
{
    // By file name; null for an email that is not a booking email. Accepted emails never change, so each is read once.
    private readonly ConcurrentDictionary<string, DeliveredEmail?> _read = new();

    public IReadOnlyList<DeliveredEmail> ReadAll()
    {
        foreach (var file in Directory.EnumerateFiles(path, "*.eml"))
        {
            if (!_read.ContainsKey(file) && TryRead(file, out var email))
            {
                _read[file] = email;
            }
        }

        return _read.Values.OfType<DeliveredEmail>().ToList();
    }

    /// <summary>Forgets what was read, after MailDev's inbox was emptied.</summary>
    public void Forget() => _read.Clear();

    public bool IsEmpty => !Directory.EnumerateFiles(path, "*.eml").Any();

    /// <returns>False for a file MailDev is still writing, or was writing when it stopped: it did not accept that email.</returns>
    private static bool TryRead(string file, out DeliveredEmail? email)
    {
        email = null;
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (FileNotFoundException)
        {
            return false; // deleted while we looked
        }

        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headerEnd < 0)
        {
            return false;
        }

        var headers = text[..headerEnd].Replace("\r\n ", " ").Replace("\r\n\t", " ");
        // The notifier's emails are multipart: one is whole once its closing boundary is there. MailDev writes the
        // file as the email arrives, and the sender is told it was accepted only at its end.
        if (Boundary().Match(headers) is { Success: true } boundary && !text.TrimEnd().EndsWith($"--{boundary.Groups[1].Value}--", StringComparison.Ordinal))
        {
            return false;
        }

        if (BookingMessageId().Match(headers) is { Success: true } messageId)
        {
            email = new DeliveredEmail(Guid.ParseExact(messageId.Groups[2].Value, "N"), messageId.Groups[1].Value);
        }

        return true;
    }

    [GeneratedRegex("""boundary="?([^";\r\n]+)"?""", RegexOptions.IgnoreCase)]
    private static partial Regex Boundary();

    // <confirmation.{requestId:N}@domain> or <rejection.{requestId:N}@domain>: see BookingEmailRenderer.
    [GeneratedRegex(@"^Message-ID: <(confirmation|rejection)\.([0-9a-f]{32})@[^>]+>\r?$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex BookingMessageId();
}
