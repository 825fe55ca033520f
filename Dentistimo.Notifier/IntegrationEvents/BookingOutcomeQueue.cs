using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.IntegrationEvents.EventHandling;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Dentistimo.Notifier.IntegrationEvents;

/// <summary>How the notifier takes booking outcomes off RabbitMQ (the <c>Delivery</c> configuration section).</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Delivery";

    /// <summary>
    /// Unacknowledged messages RabbitMQ hands us at once: no more than we process at once, so none waits out its
    /// consumer timeout behind messages that are being retried.
    /// </summary>
    public int PrefetchCount { get; set; } = 32;

    /// <summary>
    /// Emails sent at once. Each holds an SMTP connection and a database connection while it is sent; SMTP servers
    /// may wait before their greeting (MailDev: 100 ms), so sending one at a time would cap throughput, not CPU.
    /// </summary>
    public int ConcurrentMessageLimit { get; set; } = 32;

    /// <summary>
    /// Attempts after the first, waiting MinRetryInterval + 2^n x RetryIntervalDelta (MassTransit adds ±20% jitter to the
    /// delta), at most MaxRetryInterval, in between: the defaults ride out about 20 minutes of SMTP outage. The message stays
    /// unacknowledged all along, so the span must stay below RabbitMQ's consumer timeout (30 minutes by default).
    /// </summary>
    public int RetryLimit { get; set; } = 10;

    public TimeSpan MinRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan RetryIntervalDelta { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The durable queue both booking outcomes arrive on. A message is acknowledged only once its email was accepted by SMTP
/// (or found sent before). Failures are retried in memory with exponential backoff, since the RabbitMQ delayed-exchange
/// plugin is not available for delayed redelivery; when the retries run out, or for an event that can never be rendered,
/// MassTransit moves it to <see cref="ErrorQueueName"/> with the exception in MT-Fault-* headers, from where it can be moved back.
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
            });
            endpoint.ConfigureConsumer<BookingConfirmedHandler>(context);
            endpoint.ConfigureConsumer<BookingRejectedHandler>(context);
        });
    }
}
