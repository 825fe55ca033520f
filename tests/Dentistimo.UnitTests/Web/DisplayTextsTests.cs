using Dentistimo.Contracts.Api;
using Dentistimo.Web.Localization;
using Dentistimo.Web.Services;

namespace Dentistimo.UnitTests.Web;

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
}
