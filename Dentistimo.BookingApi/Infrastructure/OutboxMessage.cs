using System.Diagnostics;
using System.Text.Json;
using Dentistimo.Contracts.IntegrationEvents;

namespace Dentistimo.BookingApi.Infrastructure;

/// <summary>An integration event waiting in the outbox table for the dispatcher to publish it.</summary>
/// <param name="TraceParent">
/// The W3C traceparent of the request that caused the event (outbox_messages.trace_parent), so that it is published in
/// that request's trace; null when there was no trace.
/// </param>
public sealed record OutboxMessage(Guid MessageId, string MessageType, string Body, string? TraceParent)
{
    /// <summary>
    /// A body missing a field, or null where the event has none, does not read: it is parked rather than published
    /// with a default in its place (<see cref="SlotAvailabilityChanged"/> is written by SQL, not by this serializer).
    /// </summary>
    public static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    /// <summary>The events BookingApi publishes, by the name stored in <c>outbox_messages.message_type</c>.</summary>
    public static readonly IReadOnlyDictionary<string, Type> MessageTypes = new Dictionary<string, Type>
    {
        [nameof(BookingConfirmed)] = typeof(BookingConfirmed),
        [nameof(BookingRejected)] = typeof(BookingRejected),
        [nameof(SlotAvailabilityChanged)] = typeof(SlotAvailabilityChanged),
        [nameof(BookingCancelled)] = typeof(BookingCancelled),
        [nameof(BookingMoved)] = typeof(BookingMoved),
        [nameof(AppointmentReminderDue)] = typeof(AppointmentReminderDue),
    };

    /// <summary>The event, in the trace of the request being handled now.</summary>
    public static OutboxMessage For<TEvent>(TEvent integrationEvent) where TEvent : class =>
        new(Guid.CreateVersion7(), typeof(TEvent).Name, JsonSerializer.Serialize(integrationEvent, SerializerOptions),
            Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null);

    public object Deserialize() =>
        JsonSerializer.Deserialize(Body, MessageTypes[MessageType], SerializerOptions)
        ?? throw new InvalidOperationException($"Outbox message {MessageId} has an empty body.");
}
