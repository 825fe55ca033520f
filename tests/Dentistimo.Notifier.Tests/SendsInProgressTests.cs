using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.Infrastructure;

namespace Dentistimo.Notifier.Tests;

public sealed class SendsInProgressTests
{
    [Fact]
    public void An_email_in_progress_cannot_begin_again_until_it_ends_while_other_emails_can()
    {
        var sends = new SendsInProgress();
        var email = new EmailIdentity(EmailKind.Confirmation, Guid.NewGuid());

        var first = sends.TryBegin(email);
        Assert.NotNull(first);
        Assert.Null(sends.TryBegin(email));
        Assert.Null(sends.TryBegin(new EmailIdentity(EmailKind.Confirmation, email.Id)));
        using var otherKind = sends.TryBegin(email with { Kind = EmailKind.Cancellation });
        Assert.NotNull(otherKind);
        Assert.Equal(2, sends.Count);

        first.Value.Dispose();
        using var again = sends.TryBegin(email);
        Assert.NotNull(again);
    }
}
