using Dentistimo.Contracts.Api;
using Dentistimo.Web.Services;

namespace Dentistimo.Web.Pages;

/// <summary>
/// A clinic's day as radio buttons, one per slot, coloured and shaped by its state (Shared/_SlotGrid.cshtml): the booking
/// page's grid, and the manage page's when moving an appointment.
/// </summary>
/// <param name="InputName">The form field the chosen slot's start is sent as.</param>
/// <param name="Chosen">The start checked, as sent (round-trip format).</param>
/// <param name="Invalid">Whether the server found the choice in error (aria-invalid).</param>
/// <param name="Held">A start shown as not choosable whatever its state: the appointment being moved.</param>
public sealed record SlotGrid(DayAvailability Day, string InputName, string? Chosen, bool Invalid, DateTimeOffset? Held = null)
{
    /// <summary>The class suffix for a slot: its state while it can be chosen or is full; otherwise simply unavailable.</summary>
    public string StateOf(SlotAvailability slot) =>
        slot.Start != Held && (slot.IsBookable || slot.State == SlotStateCodes.Full) ? slot.State : "unavailable";

    public bool IsChoosable(SlotAvailability slot) => slot.IsBookable && slot.Start != Held;

    public string ErrorId => InputName.Replace('.', '_') + "-error";
}
