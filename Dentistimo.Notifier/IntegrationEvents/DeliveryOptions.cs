using System.ComponentModel.DataAnnotations;
using Dentistimo.Notifier.Email;

namespace Dentistimo.Notifier.IntegrationEvents;

/// <summary>How the notifier takes booking outcomes off RabbitMQ (the <c>Delivery</c> configuration section).</summary>
public sealed class DeliveryOptions : IValidatableObject
{
    public const string SectionName = "Delivery";

    /// <summary>
    /// RabbitMQ's consumer_timeout as it comes: a message left unacknowledged for longer gets its channel closed, and goes
    /// back to the queue to start its retries over, so a message that keeps failing would never reach the error queue.
    /// </summary>
    public static readonly TimeSpan RabbitMqConsumerTimeout = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Unacknowledged messages RabbitMQ hands us at once: no more than we process at once, so none waits out its
    /// consumer timeout behind messages that are being retried. AMQP carries it in 16 bits, and 0 would mean no limit.
    /// </summary>
    [Range(1, ushort.MaxValue)]
    public int PrefetchCount { get; set; } = 32;

    /// <summary>
    /// Emails sent at once. Each holds an SMTP connection and a database connection while it is sent; SMTP servers
    /// may wait before their greeting (MailDev: 100 ms), so sending one at a time would cap throughput, not CPU.
    /// </summary>
    [Range(1, ushort.MaxValue)]
    public int ConcurrentMessageLimit { get; set; } = 32;

    /// <summary>
    /// Attempts after the first, waiting MinRetryInterval + 2^n x RetryIntervalDelta (MassTransit adds ±20% jitter to the
    /// delta), at most MaxRetryInterval, in between: the defaults ride out about 20 minutes of SMTP outage. The message stays
    /// unacknowledged all along, so the waits and the attempts together must end within <see cref="RabbitMqConsumerTimeout"/>.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int RetryLimit { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:00", "00:30:00")]
    public TimeSpan MinRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00", "00:30:00")]
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromMinutes(5);

    [Range(typeof(TimeSpan), "00:00:00", "00:30:00")]
    public TimeSpan RetryIntervalDelta { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Days a booking event that failed, with the patient's name and email address, waits in the error queue to be
    /// re-driven before RabbitMQ deletes it: as long as BookingApi keeps a booking's patient details
    /// (Booking:PatientDataRetentionDays) by default. Changing it starts a new error queue (<see cref="ErrorQueueName"/>);
    /// the old one keeps its messages until its own limit, and only the management UI can still move them back. Messages
    /// no consumer takes (<see cref="SkippedQueueName"/>) are kept as long.
    /// </summary>
    [Range(1, 3650)]
    public int ErrorQueueRetentionDays { get; set; } = 30;

    public string ErrorQueueName => BookingOutcomeQueue.ErrorQueueNameFor(BookingOutcomeQueue.Name, ErrorQueueRetentionDays);

    public string SkippedQueueName => BookingOutcomeQueue.SkippedQueueNameFor(BookingOutcomeQueue.Name, ErrorQueueRetentionDays);

    /// <summary>
    /// The longest a message can stay unacknowledged while it fails: every attempt taking <see cref="SmtpEmailSender.LongestSend"/>,
    /// and every wait its upper jitter, computed as MassTransit's ExponentialRetryPolicy does.
    /// </summary>
    public TimeSpan LongestRetrySpan()
    {
        var span = (RetryLimit + 1.0) * SmtpEmailSender.LongestSend.TotalMilliseconds;
        var highestDelta = (int)(RetryIntervalDelta.TotalMilliseconds * 1.2);
        for (var retry = 0; retry < RetryLimit && span <= RabbitMqConsumerTimeout.TotalMilliseconds; retry++)
        {
            span += Math.Min(MinRetryInterval.TotalMilliseconds + Math.Pow(2, retry) * highestDelta, MaxRetryInterval.TotalMilliseconds);
        }

        return TimeSpan.FromMilliseconds(span);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PrefetchCount > ConcurrentMessageLimit)
        {
            yield return new ValidationResult(
                $"The field {nameof(PrefetchCount)} ({PrefetchCount}) must not exceed {nameof(ConcurrentMessageLimit)} ({ConcurrentMessageLimit}): " +
                "a message fetched beyond those in hand waits, unacknowledged, behind messages being retried, and can outlast RabbitMQ's consumer timeout.",
                [nameof(PrefetchCount)]);
        }

        if (MaxRetryInterval < MinRetryInterval)
        {
            yield return new ValidationResult(
                $"The field {nameof(MaxRetryInterval)} ({MaxRetryInterval}) must not be less than {nameof(MinRetryInterval)} ({MinRetryInterval}).",
                [nameof(MaxRetryInterval)]);
        }

        if (LongestRetrySpan() >= RabbitMqConsumerTimeout)
        {
            yield return new ValidationResult(
                $"The field {nameof(RetryLimit)} ({RetryLimit}), with the retry intervals, lets a failing message stay unacknowledged " +
                $"for up to {LongestRetrySpan():g}, counting {SmtpEmailSender.LongestSend.TotalSeconds:0} s per attempt; it must end within RabbitMQ's " +
                $"consumer timeout ({RabbitMqConsumerTimeout.TotalMinutes:0} min), or RabbitMQ takes the message back and its retries start over, for ever.",
                [nameof(RetryLimit)]);
        }
    }
}
