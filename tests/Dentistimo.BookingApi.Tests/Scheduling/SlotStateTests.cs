using Dentistimo.Contracts.Api;
using Dentistimo.BookingApi.Model.Scheduling;
using static Dentistimo.BookingApi.Tests.Scheduling.TestClinics;

namespace Dentistimo.BookingApi.Tests.Scheduling;

public class SlotStateTests
{
    private static readonly DateTimeOffset Now = Utc("2026-09-01T06:00Z");
    private static readonly DateTimeOffset Start = Utc("2026-09-07T07:00Z");

    private readonly BookingPolicy _policy = new();

    [Theory]
    [InlineData(1, 0, SlotState.Available)] // one dentist: a free chair is the normal state, not scarcity
    [InlineData(1, 1, SlotState.Full)]
    [InlineData(2, 0, SlotState.Available)]
    [InlineData(2, 1, SlotState.FewLeft)]
    [InlineData(2, 2, SlotState.Full)]
    [InlineData(3, 0, SlotState.Available)]
    [InlineData(3, 1, SlotState.Available)]
    [InlineData(3, 2, SlotState.FewLeft)]
    [InlineData(3, 3, SlotState.Full)]
    [InlineData(3, 5, SlotState.Full)]
    [InlineData(6, 3, SlotState.Available)]
    [InlineData(6, 4, SlotState.FewLeft)] // two of six free: a third
    [InlineData(6, 5, SlotState.FewLeft)]
    [InlineData(9, 5, SlotState.Available)]
    [InlineData(9, 6, SlotState.FewLeft)]
    public void Colours_a_future_slot_by_how_many_dentists_are_free(int capacity, int booked, SlotState expected) =>
        Assert.Equal(expected, _policy.Classify(SlotWithCapacity(capacity), booked, Now));

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(5, 1)]
    [InlineData(6, 2)]
    [InlineData(9, 3)]
    [InlineData(10, 3)]
    public void Few_left_means_at_most_a_third_free_and_always_the_last_chair(int capacity, int threshold) =>
        Assert.Equal(threshold, SlotStateCodes.FewLeftThreshold(capacity));

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void A_slot_that_has_started_is_past_however_full(int booked)
    {
        Assert.Equal(SlotState.Past, _policy.Classify(SlotWithCapacity(3), booked, Start));
        Assert.Equal(SlotState.Past, _policy.Classify(SlotWithCapacity(3), booked, Start.AddMinutes(10)));
    }

    [Fact]
    public void A_slot_beyond_the_horizon_is_closed_for_booking()
    {
        Assert.Equal(SlotState.Available, _policy.Classify(SlotWithCapacity(3), 0, Start.AddDays(-(BookingPolicy.DefaultHorizonDays - 1))));
        Assert.Equal(SlotState.Closed, _policy.Classify(SlotWithCapacity(3), 0, Start.AddDays(-BookingPolicy.DefaultHorizonDays)));
    }

    [Theory]
    [InlineData(YourDentist)]
    [InlineData(ToothFairyDentist)]
    [InlineData(TheCrown)]
    public void The_calendar_shows_bookable_exactly_the_slots_that_can_be_booked(int clinicId)
    {
        var clinic = ById(clinicId);
        var now = Utc("2026-09-07T10:15Z"); // mid-morning, so the run covers past, bookable and beyond-horizon slots
        var slots = Enumerable.Range(0, 100)
            .SelectMany(offset => SlotGenerator.ForDay(clinic, Date("2026-09-07").AddDays(offset)).Slots)
            .ToList();

        Assert.NotEmpty(slots);
        foreach (var slot in slots)
        {
            for (var booked = 0; booked <= slot.Capacity; booked++)
            {
                var bookable = _policy.Classify(slot, booked, now) is SlotState.Available or SlotState.FewLeft;
                Assert.Equal(bookable, _policy.Decide(clinic, slot.StartUtc, booked, now).IsAccepted);
            }
        }
    }

    private static Slot SlotWithCapacity(int capacity) => new(Date("2026-09-07"), Time("9:00"), Start, capacity);
}
