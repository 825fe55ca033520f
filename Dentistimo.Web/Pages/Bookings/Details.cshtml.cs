using Dentistimo.Contracts;
using Dentistimo.Contracts.Api;
using Dentistimo.Web.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dentistimo.Web.Pages.Bookings;

/// <summary>A booking's answer: where the form goes after a confirmation, and where the emails link to.</summary>
public sealed class DetailsModel(BookingApiClient bookingApi) : PageModel
{
    public BookingResponse Booking { get; private set; } = null!;

    public DateTimeOffset LocalStart => ClinicTime.ToLocal(Booking.Start);

    /// <summary>For a rejection: the times still free that day at that clinic, other than the one asked for.</summary>
    public IReadOnlyList<SlotAvailability> OtherFreeSlots { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await bookingApi.GetBookingAsync(id, cancellationToken) is not { } booking)
        {
            return NotFound();
        }

        // The address is the patient's key to the booking: kept by no cache along the way, and listed by no search engine.
        Response.Headers.CacheControl = "no-store";
        Response.Headers["X-Robots-Tag"] = "noindex";
        Booking = booking;
        if (!booking.IsConfirmed && await bookingApi.GetCurrentDayAsync(booking.ClinicId, DateOnly.FromDateTime(LocalStart.DateTime), cancellationToken) is { } day)
        {
            OtherFreeSlots = day.Slots.Where(slot => slot.IsBookable && slot.Start != booking.Start).ToList();
        }

        return Page();
    }
}
