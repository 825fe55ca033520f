namespace Dentistimo.Notifier.Email;

/// <summary>
/// The SMTP server did not accept an email. Stands in for <see cref="System.Net.Mail.SmtpException"/>, whose message
/// may quote the server's reply, and replies often echo the recipient's address: this exception's message, which ends
/// up in logs, traces and error-queue headers, holds only the server and the status.
/// </summary>
public sealed class SmtpDeliveryException(string message, Exception? connectionFailure = null) : Exception(message, connectionFailure);
