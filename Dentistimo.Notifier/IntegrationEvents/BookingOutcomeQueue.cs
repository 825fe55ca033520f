using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.IntegrationEvents.EventHandling;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Dentistimo.Notifier.IntegrationEvents;

/// <summary>Retries are in memory: RabbitMQ's delayed-exchange plugin is not available (docs/notifier.md).</summary>
public static class BookingOutcomeQueue
{
    public const string Name = "notifier-booking-outcomes";

    // Named with its retention: RabbitMQ refuses to redeclare a queue with other arguments, and MassTransit declares it
    // only as it moves the first failed message there, which would then fail and retry for ever.
    public static string ErrorQueueNameFor(string queueName, int retentionDays) => $"{queueName}_error_{retentionDays}d";

    // Messages no consumer takes may hold patient details too, so they are kept and named as failed ones are.
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

        // Failed and skipped events hold sealed patient details: kept no longer than BookingApi keeps a booking's.
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
