namespace Dentistimo.Notifier.Email;

/// <summary>
/// Stands in for MailKit's exceptions, whose messages may quote a reply echoing the recipient's address. No inner
/// exception: MassTransit writes the innermost one into the error-queue headers.
/// </summary>
public sealed class SmtpDeliveryException(string message, SmtpFailure failure) : Exception(message)
{
    public SmtpFailure Failure { get; } = failure;

    public bool IsPermanent => Failure == SmtpFailure.Rejected;

    /// <summary>The server may have closed a pooled connection while it sat idle.</summary>
    internal bool OverReusedConnection { get; init; }
}

public enum SmtpFailure
{
    /// <summary>Includes 421, and a pooled connection the server closed, which fails before any of the email was sent.</summary>
    ConnectionFailed,

    /// <summary>The server may have accepted the email all the same.</summary>
    NoAnswer,

    /// <summary>4xx, or a refusal of our credentials (530, 534, 535): it may go through later.</summary>
    Transient,

    Rejected,
}
