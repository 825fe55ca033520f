using System.Diagnostics.CodeAnalysis;
using MimeKit;

namespace Dentistimo.Notifier.Email;

/// <summary>Judged as <see cref="SmtpEmailSender"/> will write them: by MimeKit, from the bare address.</summary>
public static class Mailboxes
{
    public static bool TryCreate(string? name, string? address, [NotNullWhen(true)] out MailboxAddress? mailbox)
    {
        mailbox = null;
        if (string.IsNullOrEmpty(address))
        {
            return false;
        }

        try
        {
            var parsed = new MailboxAddress(name, address);
            // MimeKit takes a bare local part ("bookings") as an address; SMTP needs a domain.
            if (parsed.LocalPart.Length > 0 && parsed.Domain.Length > 0)
            {
                mailbox = parsed;
            }
        }
        catch (ParseException)
        {
        }

        return mailbox is not null;
    }
}
