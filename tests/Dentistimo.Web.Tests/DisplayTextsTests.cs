using Dentistimo.Contracts.Api;
using Dentistimo.Web.Localization;
using Dentistimo.Web.Services;

namespace Dentistimo.Web.Tests;

public sealed class DisplayTextsTests
{
    public static TheoryData<string> ReasonCodes => [.. RejectionCodes.All];

    [Theory]
    [MemberData(nameof(ReasonCodes))]
    public void Every_rejection_reason_BookingApi_gives_has_its_own_sentence_in_English_and_Swedish(string code)
    {
        var sentence = DisplayTexts.RejectionReason(code);

        Assert.NotEqual(DisplayTexts.RejectionReason("a-code-from-a-newer-bookingapi"), sentence);
        Assert.True(SwedishTexts.All.ContainsKey(sentence), $"No Swedish for \"{sentence}\"");
    }

    [Fact]
    public void Reasons_that_depend_on_the_address_s_other_appointments_read_alike_and_point_to_the_email()
    {
        var alreadyBooked = DisplayTexts.RejectionReason(RejectionCodes.PatientAlreadyBooked);

        Assert.Equal(alreadyBooked, DisplayTexts.RejectionReason(RejectionCodes.PatientLimitReached));
        Assert.Equal("We have sent the details to the email address you gave.", alreadyBooked);
        Assert.Equal(
            [RejectionCodes.PatientAlreadyBooked, RejectionCodes.PatientLimitReached],
            RejectionCodes.All.Where(code => DisplayTexts.RejectionReason(code) == alreadyBooked));
    }

    public static TheoryData<string> ChangeRefusalCodes =>
    [
        Contracts.Api.ChangeRefusalCodes.TooLateToChange, Contracts.Api.ChangeRefusalCodes.NotConfirmed, Contracts.Api.ChangeRefusalCodes.Cancelled,
        Contracts.Api.ChangeRefusalCodes.TooSoonToMoveTo,
        RejectionCodes.FullyBooked, RejectionCodes.NoSuchSlot, RejectionCodes.OutsideBookingWindow, RejectionCodes.PatientAlreadyBooked,
    ];

    [Theory]
    [MemberData(nameof(ChangeRefusalCodes))]
    public void Every_refusal_of_a_cancellation_or_move_has_its_own_sentence_in_English_and_Swedish(string code)
    {
        foreach (var hasPhone in new[] { true, false })
        {
            var sentence = DisplayTexts.ChangeRefusal(code, hasPhone);

            Assert.NotEqual(DisplayTexts.ChangeRefusal("a-code-from-a-newer-bookingapi", hasPhone), sentence);
            Assert.True(SwedishTexts.All.ContainsKey(sentence), $"No Swedish for \"{sentence}\"");
        }
    }

    [Fact]
    public void Too_late_to_change_names_the_clinic_s_phone_when_there_is_one_and_a_taken_time_asks_for_another()
    {
        Assert.Contains("{0}", DisplayTexts.ChangeRefusal(Contracts.Api.ChangeRefusalCodes.TooLateToChange, hasPhone: true));
        Assert.DoesNotContain("{0}", DisplayTexts.ChangeRefusal(Contracts.Api.ChangeRefusalCodes.TooLateToChange, hasPhone: false));
        Assert.Equal("That time was just taken; choose another.", DisplayTexts.ChangeRefusal(RejectionCodes.FullyBooked, hasPhone: true));
        // A forwarded link must not tell whether the address holds other appointments.
        Assert.Equal(
            DisplayTexts.ChangeRefusal(RejectionCodes.PatientLimitReached, hasPhone: true),
            DisplayTexts.ChangeRefusal(RejectionCodes.PatientAlreadyBooked, hasPhone: true));
    }
}
