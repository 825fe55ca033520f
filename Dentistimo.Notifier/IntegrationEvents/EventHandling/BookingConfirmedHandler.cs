using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Notifier.Email;
using MassTransit;

namespace Dentistimo.Notifier.IntegrationEvents.EventHandling;

public sealed class BookingConfirmedHandler(BookingEmailRenderer renderer, BookingOutcomeEmails emails) : IConsumer<BookingConfirmed>
{
    public Task Consume(ConsumeContext<BookingConfirmed> context) =>
        emails.SendOnceAsync(context, new EmailIdentity(EmailKind.Confirmation, context.Message.RequestId),
            context.Message.BookingId, BookingEmailOrder.ConfirmationSequence, renderer.RenderConfirmation(context.Message));
}
