using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Notifier.Email;
using MassTransit;

namespace Dentistimo.Notifier.IntegrationEvents.EventHandling;

public sealed class BookingRejectedHandler(BookingEmailRenderer renderer, BookingOutcomeEmails emails) : IConsumer<BookingRejected>
{
    public Task Consume(ConsumeContext<BookingRejected> context) =>
        emails.SendOnceAsync(context, new EmailIdentity(EmailKind.Rejection, context.Message.RequestId),
            context.Message.BookingId, calendarSequence: null, renderer.RenderRejection(context.Message));
}
