using Dentistimo.BookingApi.Model.Scheduling;
using static Dentistimo.BookingApi.Tests.Scheduling.TestClinics;

namespace Dentistimo.BookingApi.Tests.Scheduling;

public class BookingPolicyTests
{
    // Tuesday 2026-09-01, 08:00 in Stockholm.
    private static readonly DateTimeOffset Now = Utc("2026-09-01T06:00Z");

    // Your Dentist (3 dentists), Monday 2026-09-07 09:00 in Stockholm.
    private static readonly DateTimeOffset MondayNine = Utc("2026-09-07T07:00Z");

    private readonly BookingPolicy _policy = new();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Accepts_a_future_slot_with_a_free_dentist(int booked)
    {
        var decision = _policy.Decide(ById(YourDentist), MondayNine, booked, Now);

        Assert.True(decision.IsAccepted);
        Assert.Null(decision.Rejection);
        Assert.Equal(new Slot(Date("2026-09-07"), Time("9:00"), MondayNine, Capacity: 3), decision.Slot);
        Assert.Equal(Utc("2026-09-07T07:30Z"), decision.Slot!.EndUtc);
    }

    [Theory]
    [InlineData(YourDentist, 3)]
    [InlineData(YourDentist, 4)] // overbooked, e.g. after a dentist left
    [InlineData(ToothFairyDentist, 1)]
    [InlineData(TheCrown, 2)]
    public void Rejects_a_slot_without_a_free_dentist(int clinic, int booked) =>
        AssertRejected(_policy.Decide(ById(clinic), MondayNine, booked, Now), RejectionReason.FullyBooked);

    [Theory]
    [InlineData("2026-09-07T07:15Z")] // 09:15
    [InlineData("2026-09-07T07:10Z")]
    [InlineData("2026-09-07T06:30Z")] // 08:30, before opening
    [InlineData("2026-09-07T10:00Z")] // 12:00, lunch
    [InlineData("2026-09-07T10:30Z")] // 12:30, lunch
    [InlineData("2026-09-07T12:30Z")] // 14:30, fika
    [InlineData("2026-09-07T15:00Z")] // 17:00, closing time
    [InlineData("2026-09-12T07:00Z")] // Saturday
    [InlineData("2026-12-24T08:00Z")] // Christmas Eve, a Thursday
    public void Rejects_a_start_that_is_not_a_slot(string start) =>
        AssertRejected(_policy.Decide(ById(YourDentist), Utc(start), 0, Now), RejectionReason.NoSuchSlot, expectSlot: false);

    [Fact]
    public void Rejects_a_start_off_the_grid_by_a_second() =>
        AssertRejected(_policy.Decide(ById(YourDentist), MondayNine.AddSeconds(1), 0, Now), RejectionReason.NoSuchSlot, expectSlot: false);

    [Fact]
    public void Rejects_a_slot_on_a_closure_date() =>
        AssertRejected(_policy.Decide(ById(YourDentist, closureDates: [Date("2026-09-07")]), MondayNine, 0, Now), RejectionReason.NoSuchSlot, expectSlot: false);

    [Fact]
    public void Accepts_the_last_slot_of_the_day() =>
        Assert.True(_policy.Decide(ById(YourDentist), Utc("2026-09-07T14:30Z"), 0, Now).IsAccepted);

    [Fact]
    public void Compares_the_requested_start_as_an_instant_whatever_its_offset() =>
        Assert.True(_policy.Decide(ById(YourDentist), MondayNine.ToOffset(TimeSpan.FromHours(2)), 0, Now).IsAccepted);

    [Theory]
    [InlineData("2026-09-07T07:10Z", "2026-09-07T07:00Z")] // started ten minutes ago
    [InlineData("2026-09-07T07:00Z", "2026-09-07T07:00Z")] // starting right now
    [InlineData("2026-09-08T06:00Z", "2026-09-07T07:00Z")] // yesterday
    public void Rejects_a_slot_that_has_started(string now, string start) =>
        AssertRejected(_policy.Decide(ById(YourDentist), Utc(start), 0, Utc(now)), RejectionReason.OutsideBookingWindow);

    [Fact]
    public void Accepts_a_slot_a_moment_before_it_starts()
    {
        var nineThirty = MondayNine + Slot.Length;

        Assert.True(_policy.Decide(ById(YourDentist), nineThirty, 0, nineThirty - TimeSpan.FromTicks(1)).IsAccepted);
    }

    [Theory]
    [InlineData("2026-06-10T06:00Z")] // 08:00 on the first day the slot's date is within the horizon
    [InlineData("2026-06-10T21:59Z")] // 23:59 that day
    public void Accepts_a_slot_on_the_last_date_of_the_horizon_all_that_day(string now) =>
        Assert.True(_policy.Decide(ById(YourDentist), MondayNine, 0, Utc(now)).IsAccepted);

    [Theory]
    [InlineData("2026-06-09T21:59Z")] // 23:59 the day before: the slot's date is the 91st
    [InlineData("2026-06-09T07:30Z")] // 09:30 that day: within 90 days of the slot, but not within 90 dates
    public void Rejects_a_slot_on_the_date_after_the_horizon(string now) =>
        AssertRejected(_policy.Decide(ById(YourDentist), MondayNine, 0, Utc(now)), RejectionReason.OutsideBookingWindow);

    [Fact]
    public void The_horizon_is_90_dates_unless_configured()
    {
        var fortnight = new BookingPolicy(horizonDays: 14);

        Assert.Equal(90, new BookingPolicy().HorizonDays);
        Assert.Equal(Date("2026-09-07"), fortnight.LastBookableDate(MondayNine.AddDays(-13)));
        Assert.True(fortnight.Decide(ById(YourDentist), MondayNine, 0, MondayNine.AddDays(-13)).IsAccepted);
        AssertRejected(fortnight.Decide(ById(YourDentist), MondayNine, 0, MondayNine.AddDays(-14)), RejectionReason.OutsideBookingWindow);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void The_horizon_must_be_positive(int days) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BookingPolicy(days));

    [Fact]
    public void A_patient_holds_at_most_two_upcoming_appointments_unless_configured()
    {
        Assert.Equal(2, new BookingPolicy().MaxUpcomingPerPatient);
        Assert.Equal(5, new BookingPolicy(maxUpcomingPerPatient: 5).MaxUpcomingPerPatient);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BookingPolicy(maxUpcomingPerPatient: 0));
    }

    [Fact]
    public void A_negative_booked_count_is_a_bug()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _policy.Decide(ById(YourDentist), MondayNine, -1, Now));
        Assert.Throws<ArgumentOutOfRangeException>(() => _policy.Classify(SlotWithCapacity(3), -1, Now));
    }

    [Fact]
    public void The_most_fundamental_problem_wins()
    {
        var past = MondayNine.AddDays(1);

        AssertRejected(_policy.Decide(ById(YourDentist), MondayNine.AddMinutes(15), 3, past), RejectionReason.NoSuchSlot, expectSlot: false);
        AssertRejected(_policy.Decide(ById(YourDentist), MondayNine, 3, past), RejectionReason.OutsideBookingWindow);
    }

    [Fact]
    public void On_the_autumn_DST_day_only_the_first_0230_is_a_slot()
    {
        var sundayNight = EveryDay("0:00-6:00");
        var now = Utc("2026-10-20T12:00Z");

        Assert.True(_policy.Decide(sundayNight, Utc("2026-10-25T00:30Z"), 0, now).IsAccepted); // 02:30+02:00
        AssertRejected(_policy.Decide(sundayNight, Utc("2026-10-25T01:30Z"), 0, now), RejectionReason.NoSuchSlot, expectSlot: false); // 02:30+01:00
    }

    [Fact]
    public void On_the_spring_DST_day_the_first_slot_after_the_gap_is_bookable() =>
        Assert.True(_policy.Decide(EveryDay("0:00-6:00"), Utc("2026-03-29T01:00Z"), 0, Utc("2026-03-20T12:00Z")).IsAccepted); // 03:00+02:00

    [Fact]
    public void A_rejection_reason_exists_for_the_persistence_layer() =>
        Assert.Equal("patient-already-booked", RejectionReason.PatientAlreadyBooked.ToApiCode());

    private static void AssertRejected(BookingDecision decision, RejectionReason reason, bool expectSlot = true)
    {
        Assert.False(decision.IsAccepted);
        Assert.Equal(reason, decision.Rejection);
        Assert.Equal(expectSlot, decision.Slot is not null);
    }

    private static Slot SlotWithCapacity(int capacity) => new(Date("2026-09-07"), Time("9:00"), MondayNine, capacity);
}
