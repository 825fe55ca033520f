using Dentistimo.Contracts.Api;
using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Web.Hubs;
using Dentistimo.Web.Services;
using MassTransit;
using Microsoft.AspNetCore.SignalR;

namespace Dentistimo.Web.IntegrationEvents.EventHandling;

public sealed class SlotAvailabilityChangedHandler(IHubContext<AvailabilityHub> hub, BookingApiClient bookingApi) : IConsumer<SlotAvailabilityChanged>
{
    public async Task Consume(ConsumeContext<SlotAvailabilityChanged> context)
    {
        var change = context.Message;
        // So a page connecting now gets this change from BookingApi, not the day as this replica kept it.
        bookingApi.ForgetDay(change.ClinicId, change.Date);
        var message = new SlotChangedMessage(
            change.StartUtc.ToUniversalTime(), change.Capacity, change.Booked, Math.Max(0, change.Capacity - change.Booked),
            SlotStateCodes.FromCounts(change.Capacity, change.Booked), change.Version);
        await hub.Clients.Group(AvailabilityHub.GroupFor(change.ClinicId, change.Date))
            .SendAsync(AvailabilityHub.SlotChangedMethod, message, context.CancellationToken);
    }
}
