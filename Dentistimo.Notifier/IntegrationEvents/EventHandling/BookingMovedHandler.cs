using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Notifier.Email;
using MassTransit;

namespace Dentistimo.Notifier.IntegrationEvents.EventHandling;

/// <summary>A booking may be moved several times, so each move's id identifies its email.</summary>
public sealed class BookingMovedHandler(BookingEmailRenderer renderer, BookingOutcomeEmails emails) : IConsumer<BookingMoved>
{
    public Task Consume(ConsumeContext<BookingMoved> context) =>
        emails.SendOnceAsync(context, new EmailIdentity(EmailKind.Move, context.Message.MoveId),
            context.Message.BookingId, context.Message.CalendarSequence, renderer.RenderMove(context.Message));
}
