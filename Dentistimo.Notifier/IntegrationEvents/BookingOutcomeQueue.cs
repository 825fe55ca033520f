using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.IntegrationEvents.EventHandling;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Dentistimo.Notifier.IntegrationEvents;

/// <summary>
/// The durable queue the booking events the notifier emails about arrive on: outcomes, cancellations, moves and reminders. A message is acknowledged only once its email was accepted by SMTP
/// (or found sent before). Failures are retried in memory with exponential backoff, since the RabbitMQ delayed-exchange
/// plugin is not available for delayed redelivery; when the retries run out, or at once for an event that can never be
/// rendered or an email the SMTP server refused (5xx), MassTransit moves it to the error queue
/// (<see cref="DeliveryOptions.ErrorQueueName"/>) with the exception in MT-Fault-* headers, from where it can be moved back.
/// </summary>
public static class BookingOutcomeQueue
{
    public const string Name = "notifier-booking-outcomes";

    /// <summary>
    /// The error queue of <paramref name="queueName"/>, named with how long it keeps a message. RabbitMQ refuses to
    /// declare an existing queue with other arguments (PRECONDITION_FAILED), and MassTransit declares the error queue
    /// only as it moves the first failed message there, on the channel that message came from: declared under a name
    /// that exists with another limit, the move would fail, and the message would go back to its
    /// queue and through its retries again, for ever. A name of its own for every limit leaves nothing to clash with.
    /// </summary>
    public static string ErrorQueueNameFor(string queueName, int retentionDays) => $"{queueName}_error_{retentionDays}d";

    /// <summary>
    /// Where MassTransit moves a message that arrived on <paramref name="queueName"/> but no consumer there takes: one sent
    /// straight to the queue, or of a type a notifier of another version bound the queue to. It may hold patient details
    /// too, so it is kept as long as a failed one, and named for the same reason as <see cref="ErrorQueueNameFor"/>.
    /// </summary>
    public static string SkippedQueueNameFor(string queueName, int retentionDays) => $"{queueName}_skipped_{retentionDays}d";

    public static void AddBookingOutcomeConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<BookingConfirmedHandler>();
        bus.AddConsumer<BookingRejectedHandler>();
        bus.AddConsumer<BookingCancelledHandler>();
        bus.AddConsumer<BookingMovedHandler>();
        bus.AddConsumer<AppointmentReminderDueHandler>();
    }

    public static void ReceiveBookingOutcomes(this IRabbitMqBusFactoryConfigurator rabbit, IBusRegistrationContext context)
    {
        var options = context.GetRequiredService<IOptions<DeliveryOptions>>().Value;

        // A failed or skipped event carries the patient's name and email address, sealed (RecipientSeal): RabbitMQ deletes
        // it once it has waited as long as BookingApi keeps a booking's patient details. These settings are the bus's, so they apply to every error and skipped queue
        // of the notifier, all of them named by this formatter.
        var retention = (long)TimeSpan.FromDays(options.ErrorQueueRetentionDays).TotalMilliseconds;
        var names = new QueueNamesWithRetention(options.ErrorQueueRetentionDays);
        rabbit.SendTopology.ErrorQueueNameFormatter = names;
        rabbit.SendTopology.DeadLetterQueueNameFormatter = names;
        rabbit.SendTopology.ConfigureErrorSettings = errorQueue => errorQueue.SetQueueArgument("x-message-ttl", retention);
        rabbit.SendTopology.ConfigureDeadLetterSettings = skippedQueue => skippedQueue.SetQueueArgument("x-message-ttl", retention);
        rabbit.ReceiveEndpoint(Name, endpoint =>
        {
            endpoint.Durable = true;
            endpoint.PrefetchCount = options.PrefetchCount;
            endpoint.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
            // Nobody consumes Fault<T>, and each would carry a copy of the event, patient details and all, to another exchange.
            endpoint.PublishFaults = false;
            endpoint.UseMessageRetry(retry =>
            {
                retry.Exponential(options.RetryLimit, options.MinRetryInterval, options.MaxRetryInterval, options.RetryIntervalDelta);
                retry.Ignore<EmailRenderingException>();
                // A server that refused an email (5xx) refuses it again; minutes of retries would only delay the error queue.
                retry.Ignore<SmtpDeliveryException>(exception => exception.IsPermanent);
            });
            endpoint.ConfigureConsumer<BookingConfirmedHandler>(context);
            endpoint.ConfigureConsumer<BookingRejectedHandler>(context);
            endpoint.ConfigureConsumer<BookingCancelledHandler>(context);
            endpoint.ConfigureConsumer<BookingMovedHandler>(context);
            endpoint.ConfigureConsumer<AppointmentReminderDueHandler>(context);
        });
    }

    private sealed class QueueNamesWithRetention(int retentionDays) : IErrorQueueNameFormatter, IDeadLetterQueueNameFormatter
    {
        public string FormatErrorQueueName(string queueName) => ErrorQueueNameFor(queueName, retentionDays);

        public string FormatDeadLetterQueueName(string queueName) => SkippedQueueNameFor(queueName, retentionDays);
    }
}
