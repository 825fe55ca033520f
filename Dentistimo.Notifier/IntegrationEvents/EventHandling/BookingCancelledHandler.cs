using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Notifier.Email;
using MassTransit;

namespace Dentistimo.Notifier.IntegrationEvents.EventHandling;

/// <summary>A booking is cancelled once, so its request id identifies the email.</summary>
public sealed class BookingCancelledHandler(BookingEmailRenderer renderer, BookingOutcomeEmails emails) : IConsumer<BookingCancelled>
{
    public Task Consume(ConsumeContext<BookingCancelled> context) =>
        emails.SendOnceAsync(context, new EmailIdentity(EmailKind.Cancellation, context.Message.RequestId),
            context.Message.BookingId, context.Message.CalendarSequence, renderer.RenderCancellation(context.Message));
}
