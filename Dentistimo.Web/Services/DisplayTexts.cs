using System.Globalization;
using Dentistimo.Contracts.Api;
using Microsoft.Extensions.Localization;

namespace Dentistimo.Web.Services;

// English keys for BookingApi's codes; the localizer turns them into the patient's language.
public static class DisplayTexts
{
    public static readonly string[] Weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    // A reason that depends on the address's other appointments is the address owner's to learn, by email.
    public static string RejectionReason(string? reasonCode) => reasonCode switch
    {
        _ when RejectionCodes.DependsOnThePatientsOtherAppointments(reasonCode) => "We have sent the details to the email address you gave.",
        RejectionCodes.FullyBooked => "Every dentist is already booked at that time.",
        RejectionCodes.NoSuchSlot => "The clinic has no appointment at that time.",
        RejectionCodes.OutsideBookingWindow => "That time has passed or is too far ahead to book.",
        _ => "The booking could not be made.",
    };

    public static string ChangeRefusal(string? reasonCode, bool hasPhone) => reasonCode switch
    {
        ChangeRefusalCodes.TooLateToChange => hasPhone
            ? "It is too late to change this appointment online. Please call the clinic on {0}."
            : "It is too late to change this appointment online. Please call the clinic.",
        ChangeRefusalCodes.NotConfirmed => "This booking was never confirmed, so there is nothing to change.",
        ChangeRefusalCodes.Cancelled => "This appointment is cancelled, so it cannot be moved. Please book a new time.",
        ChangeRefusalCodes.TooSoonToMoveTo => "That time starts too soon to be changed online afterwards. Please choose a later time.",
        RejectionCodes.FullyBooked => "That time was just taken; choose another.",
        // The address's other appointments are the address owner's to learn: a forwarded link must not tell them.
        RejectionCodes.PatientAlreadyBooked or RejectionCodes.PatientLimitReached => "That time cannot be booked for you. Please choose another time.",
        RejectionCodes.NoSuchSlot or RejectionCodes.OutsideBookingWindow => RejectionReason(reasonCode),
        _ => "The appointment could not be changed. Please try again.",
    };

    // Said beside the times, not above the page: the patient answers them by choosing another time.
    public static bool IsAboutTheChosenTime(string? reasonCode) =>
        reasonCode is ChangeRefusalCodes.TooSoonToMoveTo || reasonCode is not null && RejectionCodes.All.Contains(reasonCode);

    public static string ClosedReason(string? closedReason) => closedReason switch
    {
        ClosedReasonCodes.PublicHoliday => "The clinic is closed on this public holiday.",
        ClosedReasonCodes.ClosureDate => "The clinic is closed on this day.",
        _ => "The clinic is not open on this weekday.",
    };

    public static string SlotState(string state) => state switch
    {
        SlotStateCodes.Available => "{0} of {1} free",
        SlotStateCodes.FewLeft => "Only {0} left",
        SlotStateCodes.Full => "Full",
        _ => "Unavailable",
    };

    public static string DescribeSlot(this IStringLocalizer localizer, SlotAvailability slot) =>
        localizer[SlotState(slot.State), slot.Free, slot.Capacity];

    public static string WeekdayName(string weekday) =>
        CultureInfo.CurrentCulture.DateTimeFormat.GetDayName((DayOfWeek)((Array.IndexOf(Weekdays, weekday) + 1) % 7));

    // A proper dash, for screen readers and typography.
    public static string Hours(string range) => range.Replace("-", "–", StringComparison.Ordinal);

    public static string LongDate(DateOnly date) =>
        date.ToString("dddd d MMMM yyyy", CultureInfo.CurrentCulture);
}
