using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.IntegrationEvents.EventHandling;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Dentistimo.Notifier.IntegrationEvents;

/// <summary>
/// The durable queue both booking outcomes arrive on. A message is acknowledged only once its email was accepted by SMTP
/// (or found sent before). Failures are retried in memory with exponential backoff, since the RabbitMQ delayed-exchange
/// plugin is not available for delayed redelivery; when the retries run out, or at once for an event that can never be
/// rendered or an email the SMTP server refused (5xx), MassTransit moves it to <see cref="ErrorQueueName"/> with the
/// exception in MT-Fault-* headers, from where it can be moved back.
/// </summary>
public static class BookingOutcomeQueue
{
    public const string Name = "notifier-booking-outcomes";
    public const string ErrorQueueName = Name + "_error";

    public static void AddBookingOutcomeConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<BookingConfirmedHandler>();
        bus.AddConsumer<BookingRejectedHandler>();
    }

    public static void ReceiveBookingOutcomes(this IRabbitMqBusFactoryConfigurator rabbit, IBusRegistrationContext context)
    {
        var options = context.GetRequiredService<IOptions<DeliveryOptions>>().Value;
        SmtpEmailSender.ReserveThreads(options.ConcurrentMessageLimit); // each message in hand may hold a thread while it sends
        rabbit.ReceiveEndpoint(Name, endpoint =>
        {
            endpoint.Durable = true;
            endpoint.PrefetchCount = options.PrefetchCount;
            endpoint.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
            // Nobody consumes Fault<T>, and each would carry the patient's details to another exchange.
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
        });
    }
}
