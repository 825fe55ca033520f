using Dentistimo.Contracts.Api;

namespace Dentistimo.Contracts.Tests.Api;

public sealed class RejectionCodesTests
{
    [Theory]
    [InlineData(RejectionCodes.FullyBooked, true)]
    [InlineData(RejectionCodes.PatientAlreadyBooked, true)]
    [InlineData(RejectionCodes.PatientLimitReached, true)]
    [InlineData(RejectionCodes.NoSuchSlot, false)]
    [InlineData(RejectionCodes.OutsideBookingWindow, false)]
    public void Only_decisions_on_a_real_bookable_slot_are_emailed(string code, bool emailed) =>
        Assert.Equal(emailed, RejectionCodes.IsEmailed(code));

    [Fact]
    public void Only_the_reasons_about_the_address_s_other_appointments_are_kept_from_the_typist() =>
        Assert.Equal(
            [RejectionCodes.PatientAlreadyBooked, RejectionCodes.PatientLimitReached],
            RejectionCodes.All.Where(RejectionCodes.DependsOnThePatientsOtherAppointments));

    [Fact]
    public void Every_reason_kept_from_the_typist_is_emailed_to_the_address_s_owner() =>
        Assert.All(RejectionCodes.All.Where(RejectionCodes.DependsOnThePatientsOtherAppointments), code => Assert.True(RejectionCodes.IsEmailed(code)));
}
