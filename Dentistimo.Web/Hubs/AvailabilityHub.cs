using System.Globalization;
using Dentistimo.Web.Services;
using Microsoft.AspNetCore.SignalR;

namespace Dentistimo.Web.Hubs;

// Every web replica consumes every availability event, so no SignalR backplane is needed.
public sealed class AvailabilityHub(BookingApiClient bookingApi, StockholmCalendar calendar, ILogger<AvailabilityHub> logger) : Hub
{
    private const string NoSuchDay = "Give the id of a clinic and a date it takes bookings for, as YYYY-MM-DD.";

    public const string Path = "/hubs/availability";
    public const string SlotChangedMethod = "slotChanged";

    private const string WatchedGroup = "watched-group";

    public static string GroupFor(int clinicId, DateOnly date) =>
        $"clinic-{clinicId}-{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    // Called again after every reconnection: the page may come from the output cache, and changes sent while it was
    // not connected are lost. It joins the group before reading, so no change falls between the two.
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

            await WatchOnlyAsync(GroupFor(clinicId, day));
            current = await bookingApi.GetDayAsync(clinicId, day, Context.ConnectionAborted);
        }
        catch (BookingApiUnavailableException exception)
        {
            logger.LogWarning(exception, "BookingApi is unreachable; a page of clinic {ClinicId} on {Date} did not get its current slots", clinicId, day);
            throw new HubException("The current times could not be fetched.");
        }

        return current?.Slots.Select(slot => new SlotChangedMessage(slot.Start, slot.Capacity, slot.Booked, slot.Free, slot.State, slot.Version)).ToList()
            ?? throw new HubException(NoSuchDay);
    }

    // A page that moves to another day watches that one alone.
    private async Task WatchOnlyAsync(string group)
    {
        var watched = Context.Items.TryGetValue(WatchedGroup, out var value) ? value as string : null;
        await Groups.AddToGroupAsync(Context.ConnectionId, group);
        if (watched is not null && watched != group)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, watched);
        }

        Context.Items[WatchedGroup] = group;
    }
}

// Slots only: nothing about patients. The page shows no change older (by Version) than what it shows; a change with no
// version, from before versions, is shown as it arrives.
public sealed record SlotChangedMessage(DateTimeOffset Start, int Capacity, int Booked, int Free, string State, int? Version);
