using Dentistimo.Contracts.Api;
using Dentistimo.Web.Services;

namespace Dentistimo.Web.Pages;

// Held is the appointment being moved, which is never choosable whatever its state.
public sealed record SlotGrid(DayAvailability Day, string InputName, string? Chosen, bool Invalid, DateTimeOffset? Held = null)
{
    public string StateOf(SlotAvailability slot) =>
        slot.Start != Held && (slot.IsBookable || slot.State == SlotStateCodes.Full) ? slot.State : "unavailable";

    public bool IsChoosable(SlotAvailability slot) => slot.IsBookable && slot.Start != Held;

    public string ErrorId => InputName.Replace('.', '_') + "-error";
}
