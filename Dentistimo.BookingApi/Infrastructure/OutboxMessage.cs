using System.Diagnostics;
using System.Text.Json;
using Dentistimo.Contracts.IntegrationEvents;

namespace Dentistimo.BookingApi.Infrastructure;

/// <param name="TraceParent">The causing request's W3C traceparent, so the event is published in its trace.</param>
public sealed record OutboxMessage(Guid MessageId, string MessageType, string Body, string? TraceParent)
{
    // A body missing a field is parked rather than published with a default in its place.
    public static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    public static readonly IReadOnlyDictionary<string, Type> MessageTypes = new Dictionary<string, Type>
    {
        [nameof(BookingConfirmed)] = typeof(BookingConfirmed),
        [nameof(BookingRejected)] = typeof(BookingRejected),
        [nameof(SlotAvailabilityChanged)] = typeof(SlotAvailabilityChanged),
        [nameof(BookingCancelled)] = typeof(BookingCancelled),
        [nameof(BookingMoved)] = typeof(BookingMoved),
        [nameof(AppointmentReminderDue)] = typeof(AppointmentReminderDue),
    };

    public static OutboxMessage For<TEvent>(TEvent integrationEvent) where TEvent : class =>
        new(Guid.CreateVersion7(), typeof(TEvent).Name, JsonSerializer.Serialize(integrationEvent, SerializerOptions),
            Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null);

    public object Deserialize() =>
        JsonSerializer.Deserialize(Body, MessageTypes[MessageType], SerializerOptions)
        ?? throw new InvalidOperationException($"Outbox message {MessageId} has an empty body.");
}
