using Dentistimo.Contracts.Api;
using Dentistimo.Web.Services;

namespace Dentistimo.Web.Pages;

// Held is the appointment being moved, which is never choosable whatever its state. Times starting no later than
// StartsAfter are not offered: BookingApi refuses a move to them (its change cut-off).
public sealed record SlotGrid(
    DayAvailability Day, string InputName, string? Chosen, bool Invalid, DateTimeOffset? Held = null, DateTimeOffset? StartsAfter = null)
{
    public string StateOf(SlotAvailability slot) =>
        slot.Start != Held && !IsTooSoon(slot) && (slot.IsBookable || slot.State == SlotStateCodes.Full) ? slot.State : "unavailable";

    public bool IsChoosable(SlotAvailability slot) => slot.IsBookable && slot.Start != Held && !IsTooSoon(slot);

    public bool IsTooSoon(SlotAvailability slot) => slot.Start <= StartsAfter;

    public bool HasChoosable => Day.Slots.Any(IsChoosable);

    public bool HasTooSoon => Day.Slots.Any(slot => slot.IsBookable && slot.Start != Held && IsTooSoon(slot));

    public string ErrorId => InputName.Replace('.', '_') + "-error";
}
