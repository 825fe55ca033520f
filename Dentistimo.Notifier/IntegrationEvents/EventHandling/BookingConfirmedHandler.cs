using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Notifier.Email;
using MassTransit;

namespace Dentistimo.Notifier.IntegrationEvents.EventHandling;

public sealed class BookingConfirmedHandler(IEmailSender sender, ILogger<BookingConfirmedHandler> logger) : IConsumer<BookingConfirmed>
{
    private static readonly TimeZoneInfo s_stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    public async Task Consume(ConsumeContext<BookingConfirmed> context)
    {
        var booking = context.Message;
        var localStart = TimeZoneInfo.ConvertTime(booking.Appointment.StartUtc, s_stockholm);
        var text = $"Your appointment at {booking.Appointment.ClinicName}, {booking.Appointment.ClinicAddress}, " +
                   $"on {localStart:yyyy-MM-dd} at {localStart:HH:mm} is confirmed. Reference: {booking.Reference}.";

        await sender.SendAsync(
            new EmailMessage(
                MessageId: $"<{booking.RequestId}@dentistimo.com>",
                booking.Recipient.Name,
                booking.Recipient.Email,
                Subject: $"Appointment confirmed: {booking.Appointment.ClinicName}",
                TextBody: text,
                HtmlBody: $"<p>{System.Net.WebUtility.HtmlEncode(text)}</p>",
                Attachments: []),
            context.CancellationToken);

        logger.LogInformation("Confirmation email for booking {BookingId} accepted by SMTP", booking.BookingId);
    }
}
