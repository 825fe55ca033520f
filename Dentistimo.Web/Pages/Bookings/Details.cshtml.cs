using Dentistimo.Contracts;
using Dentistimo.Contracts.Api;
using Dentistimo.Web.Infrastructure;
using Dentistimo.Web.Localization;
using Dentistimo.Web.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dentistimo.Web.Pages.Bookings;

public sealed class DetailsModel(BookingApiClient bookingApi, StockholmCalendar calendar) : PageModel
{
    public BookingResponse Booking { get; private set; } = null!;

    public DateTimeOffset LocalStart => ClinicTime.ToLocal(Booking.Start);

    public DateTimeOffset LocalEnd => ClinicTime.ToLocal(Booking.End);

    public string? ClinicAddress { get; private set; }

    public IReadOnlyList<SlotAvailability> OtherFreeSlots { get; private set; } = [];

    // A day that has passed or is beyond the window would only send the patient back to the home page.
    public bool DayIsBookable { get; private set; }

    // Only when the form came here with the manage token, which BookingApi hands to the request alone.
    public string? ManageLink { get; private set; }

    public bool IsCancelled => Booking.Status == BookingResponse.CancelledStatus;

    public async Task<IActionResult> OnGetAsync(Guid id, string? token, CancellationToken cancellationToken)
    {
        if (await bookingApi.GetBookingAsync(id, cancellationToken) is not { } booking)
        {
            return NotFound();
        }

        // The address is the patient's key to the booking, and with a token also to changing it.
        Response.UseForKeyedAddress();
        Booking = booking;
        if (booking.IsConfirmed && !string.IsNullOrEmpty(token))
        {
            ManageLink = ManageModel.Link(booking.Id, token, Languages.Current);
        }

        var date = DateOnly.FromDateTime(LocalStart.DateTime);
        if (booking.IsConfirmed)
        {
            ClinicAddress = await FindAddressAsync(booking.ClinicId, cancellationToken);
        }

        if (!booking.IsConfirmed && !IsCancelled && await bookingApi.GetCurrentDayAsync(booking.ClinicId, date, cancellationToken) is { } day)
        {
            OtherFreeSlots = day.BookableSlotsOtherThan(booking.Start).ToList();
            DayIsBookable = calendar.IsBookable(date, await bookingApi.GetBookingWindowAsync(cancellationToken));
        }

        return Page();
    }

    // One line of the page: without the registry, the rest of it still answers.
    private async Task<string?> FindAddressAsync(int clinicId, CancellationToken cancellationToken)
    {
        try
        {
            return (await bookingApi.FindClinicAsync(clinicId, cancellationToken))?.Address;
        }
        catch (BookingApiUnavailableException)
        {
            return null;
        }
    }
}
