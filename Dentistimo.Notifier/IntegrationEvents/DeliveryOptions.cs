using System.ComponentModel.DataAnnotations;
using Dentistimo.Notifier.Email;

namespace Dentistimo.Notifier.IntegrationEvents;

public sealed class DeliveryOptions : IValidatableObject
{
    public const string SectionName = "Delivery";

    // Unacknowledged for longer, a message goes back to the queue and starts its retries over, never reaching the error queue.
    public static readonly TimeSpan RabbitMqConsumerTimeout = TimeSpan.FromMinutes(30);

    // No more than are processed at once, so none waits out the consumer timeout behind retries; 0 would mean no limit.
    [Range(1, ushort.MaxValue)]
    public int PrefetchCount { get; set; } = 32;

    // SMTP servers may wait before their greeting, so one at a time would cap throughput, not CPU.
    [Range(1, ushort.MaxValue)]
    public int ConcurrentMessageLimit { get; set; } = 32;

    // The defaults ride out about 20 minutes of SMTP outage, within RabbitMqConsumerTimeout.
    [Range(0, int.MaxValue)]
    public int RetryLimit { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:00", "00:30:00")]
    public TimeSpan MinRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00", "00:30:00")]
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromMinutes(5);

    [Range(typeof(TimeSpan), "00:00:00", "00:30:00")]
    public TimeSpan RetryIntervalDelta { get; set; } = TimeSpan.FromSeconds(2);

    // As long as BookingApi keeps patient details. Changing it starts a new error queue; the old one keeps its messages.
    [Range(1, 3650)]
    public int ErrorQueueRetentionDays { get; set; } = 30;

    public string ErrorQueueName => BookingOutcomeQueue.ErrorQueueNameFor(BookingOutcomeQueue.Name, ErrorQueueRetentionDays);

    public string SkippedQueueName => BookingOutcomeQueue.SkippedQueueNameFor(BookingOutcomeQueue.Name, ErrorQueueRetentionDays);

    // As MassTransit's ExponentialRetryPolicy computes it, each attempt at its longest and each wait at its upper jitter.
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
