using Dentistimo.Contracts;
using Dentistimo.Contracts.Api;
using Dentistimo.Web.Infrastructure;
using Dentistimo.Web.Localization;
using Dentistimo.Web.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dentistimo.Web.Pages.Bookings;

/// <summary>A booking's answer: where the form goes after a confirmation, and where the emails link to.</summary>
public sealed class DetailsModel(BookingApiClient bookingApi, StockholmCalendar calendar) : PageModel
{
    public BookingResponse Booking { get; private set; } = null!;

    public DateTimeOffset LocalStart => ClinicTime.ToLocal(Booking.Start);

    public DateTimeOffset LocalEnd => ClinicTime.ToLocal(Booking.End);

    /// <summary>The clinic's address, for the patient finding their way there; null if the registry no longer lists it.</summary>
    public string? ClinicAddress { get; private set; }

    /// <summary>For a rejection: the times still free that day at that clinic, other than the one asked for.</summary>
    public IReadOnlyList<SlotAvailability> OtherFreeSlots { get; private set; } = [];

    /// <summary>
    /// For a rejection: whether the booking page takes that day. One that has passed, or is beyond the booking window,
    /// would only send the patient on to the home page asking for a clinic and a date first.
    /// </summary>
    public bool DayIsBookable { get; private set; }

    /// <summary>
    /// The manage page's address, when the form came here with the booking's manage token (BookingApi hands it to the
    /// request alone): the same link as in the confirmation email. The manage page judges the token.
    /// </summary>
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

    /// <summary>One line of the page: without the registry, the rest of it still answers.</summary>
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
