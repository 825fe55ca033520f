namespace Dentistimo.Notifier.Email;

/// <summary>
/// The SMTP server did not accept an email. Stands in for <see cref="System.Net.Mail.SmtpException"/>, whose message
/// may quote the server's reply, and replies often echo the recipient's address: this exception's message, which ends
/// up in logs, traces and error-queue headers, holds only the server, the status and any connection failure.
/// It wraps no inner exception, because MassTransit writes the innermost exception into the error-queue headers.
/// </summary>
public sealed class SmtpDeliveryException(string message) : Exception(message);
