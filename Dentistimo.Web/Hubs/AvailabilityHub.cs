using System.Globalization;
using Microsoft.AspNetCore.SignalR;

namespace Dentistimo.Web.Hubs;

/// <summary>
/// Pushes slot changes to the browsers showing a clinic's day. Every web replica consumes every availability event
/// (see <see cref="IntegrationEvents.EventHandling.SlotAvailabilityChangedHandler"/>), so no SignalR backplane is needed.
/// </summary>
public sealed class AvailabilityHub : Hub
{
    public const string Path = "/hubs/availability";
    public const string SlotChangedMethod = "slotChanged";

    public static string GroupFor(int clinicId, DateOnly date) =>
        $"clinic-{clinicId}-{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    /// <summary>A page asks for one clinic and day; a page only ever shows one, so it never needs to leave a group.</summary>
    public Task Watch(int clinicId, string date) =>
        DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && clinicId > 0
            ? Groups.AddToGroupAsync(Context.ConnectionId, GroupFor(clinicId, day))
            : throw new HubException("Give a clinic id and a date as YYYY-MM-DD.");
}

/// <summary>What a browser receives for one slot. <paramref name="Start"/> is UTC, as in the page's data-start attributes.</summary>
public sealed record SlotChangedMessage(DateTimeOffset Start, int Capacity, int Booked, int Free, string State);
