using System.Collections.Concurrent;
using Dentistimo.Testing;
using Dentistimo.Web.Hubs;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Dentistimo.Web.Tests.Functional;

/// <summary>The availability hub over a real connection to the web on its port, spoken to as the booking page's script does.</summary>
public sealed class AvailabilityHubTests(WebSystemFixture system) : IClassFixture<WebSystemFixture>
{
    private const int ClinicId = 4;
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_connection_that_watches_another_day_no_longer_hears_of_the_day_it_watched_before()
    {
        var (firstDay, firstStart) = await system.Api.FindBookableSlotAsync(ClinicId, daysAhead: 3);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var (secondDay, secondStart) = await system.Api.FindBookableSlotAsync(ClinicId, daysAhead: firstDay.DayNumber - today.DayNumber + 1);
        var (heardByMover, heardByWitness) = (new ConcurrentQueue<SlotChangedMessage>(), new ConcurrentQueue<SlotChangedMessage>());
        await using var mover = await ConnectAsync(heardByMover);
        await using var witness = await ConnectAsync(heardByWitness);
        await WatchAsync(mover, firstDay);
        await WatchAsync(mover, secondDay);
        await WatchAsync(witness, firstDay);

        await BookAsync(firstStart);
        await Eventually.TrueAsync(() => heardByWitness.Any(change => change.Start == firstStart), s_patience, "the first day's change");
        await BookAsync(secondStart);
        await Eventually.TrueAsync(() => heardByMover.Any(change => change.Start == secondStart), s_patience, "the second day's change");

        // A connection's messages arrive in the order they were sent, and the first day's change was sent before.
        Assert.DoesNotContain(heardByMover, change => change.Start == firstStart);
    }

    private async Task<HubConnection> ConnectAsync(ConcurrentQueue<SlotChangedMessage> heard)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(system.WebOnKestrel, AvailabilityHub.Path), HttpTransportType.WebSockets, options => options.SkipNegotiation = true)
            .Build();
        connection.On<SlotChangedMessage>(AvailabilityHub.SlotChangedMethod, heard.Enqueue);
        await connection.StartAsync();
        return connection;
    }

    private static Task<IReadOnlyList<SlotChangedMessage>> WatchAsync(HubConnection connection, DateOnly date) =>
        connection.InvokeAsync<IReadOnlyList<SlotChangedMessage>>(nameof(AvailabilityHub.Watch), ClinicId, date.ToString("yyyy-MM-dd"));

    private async Task BookAsync(DateTimeOffset start)
    {
        var (status, _) = await system.Api.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), ClinicId, start, BookingApiDriver.NewPatientEmail()));
        Assert.Equal(201, status);
    }
}
