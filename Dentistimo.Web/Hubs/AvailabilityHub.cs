using System.Globalization;
using Dentistimo.Web.Services;
using Microsoft.AspNetCore.SignalR;

namespace Dentistimo.Web.Hubs;

/// <summary>
/// Pushes slot changes to the browsers showing a clinic's day. Every web replica consumes every availability event
/// (see <see cref="IntegrationEvents.EventHandling.SlotAvailabilityChangedHandler"/>), so no SignalR backplane is needed.
/// </summary>
public sealed class AvailabilityHub(BookingApiClient bookingApi, StockholmCalendar calendar, ILogger<AvailabilityHub> logger) : Hub
{
    private const string NoSuchDay = "Give the id of a clinic and a date it takes bookings for, as YYYY-MM-DD.";

    public const string Path = "/hubs/availability";
    public const string SlotChangedMethod = "slotChanged";

    public static string GroupFor(int clinicId, DateOnly date) =>
        $"clinic-{clinicId}-{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    /// <summary>
    /// A page asks for one clinic and day, when its connection starts and again after every reconnection, and gets the
    /// day's slots as they are now: the page may come from the output cache, and the changes sent while it was not
    /// connected are lost. A page only ever shows one day, so it never needs to leave a group.
    /// </summary>
    /// <returns>Every slot of the day, as <see cref="SlotChangedMethod"/> messages. Slots only: nothing about patients.</returns>
    /// <remarks>
    /// The connection joins the group first, so a change from then on reaches it as an event; the page applies those
    /// after this answer, which may be up to <see cref="BookingApiClient.DayCacheDuration"/> old.
    /// </remarks>
    public async Task<IReadOnlyList<SlotChangedMessage>> Watch(int clinicId, string date)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) || clinicId <= 0)
        {
            throw new HubException(NoSuchDay);
        }

        DayAvailability? current;
        try
        {
            // What the booking page itself checks: anyone can call this, and every call may cost a BookingApi request.
            if (await bookingApi.FindClinicAsync(clinicId, Context.ConnectionAborted) is null
                || !calendar.IsBookable(day, await bookingApi.GetBookingWindowAsync(Context.ConnectionAborted)))
            {
                throw new HubException(NoSuchDay);
            }

            await Groups.AddToGroupAsync(Context.ConnectionId, GroupFor(clinicId, day));
            current = await bookingApi.GetDayAsync(clinicId, day, Context.ConnectionAborted);
        }
        catch (BookingApiUnavailableException exception)
        {
            logger.LogWarning(exception, "BookingApi is unreachable; a page of clinic {ClinicId} on {Date} did not get its current slots", clinicId, day);
            throw new HubException("The current times could not be fetched.");
        }

        return current?.Slots.Select(slot => new SlotChangedMessage(slot.Start, slot.Capacity, slot.Booked, slot.Free, slot.State)).ToList()
            ?? throw new HubException(NoSuchDay);
    }
}

/// <summary>What a browser receives for one slot. <paramref name="Start"/> is UTC, as in the page's data-start attributes.</summary>
/// <param name="State">available, few-left or full; in <see cref="AvailabilityHub.Watch"/>'s answer also past or closed.</param>
public sealed record SlotChangedMessage(DateTimeOffset Start, int Capacity, int Booked, int Free, string State);
