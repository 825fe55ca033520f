using System.Text.RegularExpressions;
using Dentistimo.BookingApi.Model.Scheduling;

namespace Dentistimo.BookingApi.Tests.Scheduling;

public class ApiCodesTests
{
    [Theory]
    [InlineData(RejectionReason.FullyBooked, "fully-booked")]
    [InlineData(RejectionReason.NoSuchSlot, "no-such-slot")]
    [InlineData(RejectionReason.OutsideBookingWindow, "outside-booking-window")]
    [InlineData(RejectionReason.PatientAlreadyBooked, "patient-already-booked")]
    [InlineData(RejectionReason.PatientLimitReached, "patient-limit-reached")]
    public void Rejection_reasons_have_stable_codes(RejectionReason reason, string code) =>
        Assert.Equal(code, reason.ToApiCode());

    [Theory]
    [InlineData(SlotState.Available, "available")]
    [InlineData(SlotState.FewLeft, "few-left")]
    [InlineData(SlotState.Full, "full")]
    [InlineData(SlotState.Past, "past")]
    [InlineData(SlotState.Closed, "closed")]
    public void Slot_states_have_stable_codes(SlotState state, string code) =>
        Assert.Equal(code, state.ToApiCode());

    [Theory]
    [InlineData(ClosedReason.NotOpenThatWeekday, "not-open-that-weekday")]
    [InlineData(ClosedReason.PublicHoliday, "public-holiday")]
    [InlineData(ClosedReason.ClosureDate, "closure-date")]
    public void Closed_reasons_have_stable_codes(ClosedReason reason, string code) =>
        Assert.Equal(code, reason.ToApiCode());

    [Fact]
    public void Every_enum_member_has_a_distinct_kebab_case_code()
    {
        string[][] codesPerEnum =
        [
            [.. Enum.GetValues<RejectionReason>().Select(ApiCodes.ToApiCode)],
            [.. Enum.GetValues<SlotState>().Select(ApiCodes.ToApiCode)],
            [.. Enum.GetValues<ClosedReason>().Select(ApiCodes.ToApiCode)],
        ];

        Assert.All(codesPerEnum, codes =>
        {
            Assert.Equal(codes.Length, codes.Distinct().Count());
            Assert.All(codes, code => Assert.Matches(new Regex("^[a-z]+(-[a-z]+)*$"), code));
        });
    }

    [Fact]
    public void Unknown_values_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ((SlotState)42).ToApiCode());
}
