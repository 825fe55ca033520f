using System.Collections.Concurrent;
using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Testing;
using MassTransit;

namespace Dentistimo.BookingApi.Tests.Functional;

/// <summary>
/// A real RabbitMQ consumer in the test's virtual host that records every booking event with its message id,
/// so tests can count what was actually published, not what the code meant to publish.
/// </summary>
public sealed class EventRecorder : IAsyncDisposable
{
    private readonly IBusControl _bus;

    private EventRecorder(IBusControl bus) => _bus = bus;

    public ConcurrentQueue<(Guid MessageId, BookingConfirmed Event)> Confirmed { get; } = new();
    public ConcurrentQueue<(Guid MessageId, BookingRejected Event)> Rejected { get; } = new();
    public ConcurrentQueue<(Guid MessageId, SlotAvailabilityChanged Event)> AvailabilityChanged { get; } = new();
    public ConcurrentQueue<(Guid MessageId, BookingCancelled Event)> Cancelled { get; } = new();
    public ConcurrentQueue<(Guid MessageId, BookingMoved Event)> Moved { get; } = new();
    public ConcurrentQueue<(Guid MessageId, AppointmentReminderDue Event)> Reminders { get; } = new();

    public static async Task<EventRecorder> StartAsync(string messaging)
    {
        EventRecorder? recorder = null;
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(new Uri(messaging));
            rabbit.ReceiveEndpoint($"test-recorder-{Guid.NewGuid():N}", endpoint =>
            {
                // Durable, so events published while RabbitMQ restarts wait for us; deleting the test's virtual host removes it.
                endpoint.Durable = true;
                endpoint.Handler<BookingConfirmed>(context => Record(recorder!.Confirmed, context));
                endpoint.Handler<BookingRejected>(context => Record(recorder!.Rejected, context));
                endpoint.Handler<SlotAvailabilityChanged>(context => Record(recorder!.AvailabilityChanged, context));
                endpoint.Handler<BookingCancelled>(context => Record(recorder!.Cancelled, context));
                endpoint.Handler<BookingMoved>(context => Record(recorder!.Moved, context));
                endpoint.Handler<AppointmentReminderDue>(context => Record(recorder!.Reminders, context));
            });
        });
        recorder = new EventRecorder(bus);
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return recorder;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, then a little longer so that extra (duplicate) events would show.</summary>
    public async Task WaitForAsync(Func<EventRecorder, bool> condition, TimeSpan timeout)
    {
        await Eventually.TrueAsync(() => condition(this), timeout, "the expected events to arrive");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
    }

    public ValueTask DisposeAsync() => new(_bus.StopAsync());

    private static Task Record<T>(ConcurrentQueue<(Guid, T)> queue, ConsumeContext<T> context) where T : class
    {
        queue.Enqueue((context.MessageId ?? Guid.Empty, context.Message));
        return Task.CompletedTask;
    }
}
