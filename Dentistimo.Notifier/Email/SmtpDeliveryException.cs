namespace Dentistimo.Notifier.Email;

/// <summary>
/// The SMTP server did not accept an email. Stands in for MailKit's exceptions, whose messages may quote the server's
/// reply, and replies often echo the recipient's address: this exception's message, which ends up in logs, traces and
/// error-queue headers, holds only the server, the status and any connection failure.
/// It wraps no inner exception, because MassTransit writes the innermost exception into the error-queue headers.
/// </summary>
public sealed class SmtpDeliveryException(string message, SmtpFailure failure) : Exception(message)
{
    public SmtpFailure Failure { get; } = failure;

    /// <summary>The server refused this email for good: sending it again would get the same answer, so it is not retried.</summary>
    public bool IsPermanent => Failure == SmtpFailure.Rejected;

    /// <summary>The attempt went over a pooled connection, which the server may have closed while it sat idle.</summary>
    internal bool OverReusedConnection { get; init; }
}

/// <summary>Why an email did not go through, which decides whether it is sent again, and when.</summary>
public enum SmtpFailure
{
    /// <summary>
    /// No connection could be made, or it broke, or its TLS handshake failed, or the server said it is closing it (421).
    /// A connection the server closed while it sat in the pool fails like this at the first command, before any of the
    /// email was sent.
    /// </summary>
    ConnectionFailed,

    /// <summary>The server did not answer within the deadline. It may have accepted the email all the same.</summary>
    NoAnswer,

    /// <summary>
    /// A 4xx reply, a refusal of our credentials (530, 534, 535, or AUTH failing otherwise), a server lacking STARTTLS
    /// or AUTH: it may go through later.
    /// </summary>
    Transient,

    /// <summary>Any other 5xx reply: the server refused the email (no such mailbox, a malformed address, a policy).</summary>
    Rejected,
}
