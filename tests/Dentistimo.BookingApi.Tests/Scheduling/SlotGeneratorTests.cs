using Dentistimo.BookingApi.Model.Scheduling;
using Dentistimo.Contracts;
using static Dentistimo.BookingApi.Tests.Scheduling.TestClinics;

namespace Dentistimo.BookingApi.Tests.Scheduling;

public class SlotGeneratorTests
{
    // The week of Monday 2026-09-07 has no holidays.
    [Theory]
    [InlineData(YourDentist, "2026-09-07", "9:00", "16:30", 13)] // Monday 9-17: 16 - lunch 2 - fika 1
    [InlineData(YourDentist, "2026-09-08", "8:00", "16:30", 15)] // Tuesday 8-17
    [InlineData(YourDentist, "2026-09-09", "7:00", "15:30", 15)] // Wednesday 7-16
    [InlineData(YourDentist, "2026-09-11", "9:00", "14:00", 9)] // Friday 9-15: closes as fika ends
    [InlineData(ToothFairyDentist, "2026-09-08", "7:00", "18:30", 21)]
    [InlineData(TheCrown, "2026-09-07", "6:00", "14:00", 15)] // Monday 6-15
    [InlineData(TheCrown, "2026-09-09", "7:00", "11:30", 10)] // Wednesday 7-12: closes before lunch
    [InlineData(TheCrown, "2026-09-10", "7:00", "16:30", 17)] // Thursday 7-17
    [InlineData(LisebergsDentists, "2026-09-10", "10:00", "17:30", 13)]
    public void Offers_half_hour_slots_within_the_weekdays_opening_hours(int clinic, string date, string first, string last, int count)
    {
        var day = SlotGenerator.ForDay(ById(clinic), Date(date));

        Assert.False(day.IsClosed);
        Assert.Equal(Time(first), day.Slots[0].LocalStart);
        Assert.Equal(Time(last), day.Slots[^1].LocalStart);
        Assert.Equal(count, day.Slots.Count);
    }

    [Fact]
    public void Your_Dentist_on_a_Monday_skips_exactly_lunch_and_fika()
    {
        var day = SlotGenerator.ForDay(ById(YourDentist), Date("2026-09-07"));

        Assert.Equal(
            ["9:00", "9:30", "10:00", "10:30", "11:00", "11:30", "13:00", "13:30", "14:00", "15:00", "15:30", "16:00", "16:30"],
            day.Slots.Select(slot => slot.LocalStart.ToString("H:mm")));
    }

    [Theory]
    [InlineData(YourDentist)]
    [InlineData(ToothFairyDentist)]
    [InlineData(TheCrown)]
    [InlineData(LisebergsDentists)]
    public void No_registry_slot_touches_lunch_or_fika_or_leaves_the_grid(int clinic)
    {
        var slots = WeekOf(ById(clinic), Date("2026-09-07")).SelectMany(day => day.Slots).ToList();

        Assert.NotEmpty(slots);
        Assert.All(slots, slot =>
        {
            var time = new TimeRange(slot.LocalStart, slot.LocalStart.Add(Slot.Length));
            Assert.False(time.Overlaps(ClinicSchedule.Lunch), $"{slot} overlaps lunch");
            Assert.False(time.Overlaps(ClinicSchedule.Fika), $"{slot} overlaps fika");
            Assert.Equal(0, slot.LocalStart.Minute % 30);
            Assert.Equal(Slot.Length, slot.EndUtc - slot.StartUtc);
        });
    }

    [Theory]
    [InlineData(YourDentist, 3)]
    [InlineData(ToothFairyDentist, 1)]
    [InlineData(TheCrown, 2)]
    public void A_slot_holds_one_patient_per_dentist(int clinic, int dentists) =>
        Assert.All(SlotGenerator.ForDay(ById(clinic), Date("2026-09-07")).Slots, slot => Assert.Equal(dentists, slot.Capacity));

    [Fact]
    public void Slots_carry_their_UTC_instants()
    {
        var summer = SlotGenerator.ForDay(ById(YourDentist), Date("2026-03-30")).Slots[0];
        var winter = SlotGenerator.ForDay(ById(YourDentist), Date("2026-03-27")).Slots[0];

        Assert.Equal((Date("2026-03-30"), Time("9:00"), Utc("2026-03-30T07:00Z"), Utc("2026-03-30T07:30Z")), (summer.LocalDate, summer.LocalStart, summer.StartUtc, summer.EndUtc));
        Assert.Equal((Date("2026-03-27"), Time("9:00"), Utc("2026-03-27T08:00Z"), Utc("2026-03-27T08:30Z")), (winter.LocalDate, winter.LocalStart, winter.StartUtc, winter.EndUtc));
    }

    [Theory]
    [InlineData("2026-09-12")] // Saturday
    [InlineData("2026-09-13")] // Sunday
    public void Registry_clinics_are_closed_at_weekends(string date)
    {
        var day = SlotGenerator.ForDay(ById(YourDentist), Date(date));

        Assert.Equal(ClosedReason.NotOpenThatWeekday, day.ClosedReason);
        Assert.Empty(day.Slots);
    }

    [Theory]
    [InlineData("2026-01-01")] // New Year's Day, a Thursday
    [InlineData("2026-01-06")] // Epiphany
    [InlineData("2026-04-03")] // Good Friday
    [InlineData("2026-04-06")] // Easter Monday
    [InlineData("2026-05-01")] // May Day
    [InlineData("2026-05-14")] // Ascension Day
    [InlineData("2026-06-19")] // Midsummer Eve
    [InlineData("2026-12-24")] // Christmas Eve
    [InlineData("2026-12-25")]
    [InlineData("2026-12-31")]
    public void Clinics_are_closed_on_public_holidays(string date)
    {
        var day = SlotGenerator.ForDay(ById(LisebergsDentists), Date(date));

        Assert.Equal(ClosedReason.PublicHoliday, day.ClosedReason);
        Assert.Empty(day.Slots);
    }

    [Fact]
    public void Clinics_close_on_their_own_closure_dates_only()
    {
        var clinic = ById(TheCrown, closureDates: [Date("2026-09-08")]);

        Assert.Equal(ClosedReason.ClosureDate, SlotGenerator.ForDay(clinic, Date("2026-09-08")).ClosedReason);
        Assert.Empty(SlotGenerator.ForDay(clinic, Date("2026-09-08")).Slots);
        Assert.NotEmpty(SlotGenerator.ForDay(clinic, Date("2026-09-09")).Slots);
        Assert.NotEmpty(SlotGenerator.ForDay(ById(TheCrown), Date("2026-09-08")).Slots);
    }

    [Theory]
    [InlineData("2026-12-24", ClosedReason.PublicHoliday)] // a holiday that is also a closure date
    [InlineData("2026-09-12", ClosedReason.ClosureDate)] // a Saturday that is also a closure date
    public void The_most_telling_closed_reason_wins(string date, ClosedReason reason) =>
        Assert.Equal(reason, ById(YourDentist, closureDates: [Date(date)]).ClosedReasonOn(Date(date)));

    [Fact]
    public void Breaks_are_per_clinic()
    {
        var noBreaks = EveryDay("9:00-17:00", breaks: []);
        var lateLunch = EveryDay("9:00-17:00", breaks: [TimeRange.Parse("13:00-14:00")]);

        var lateLunchStarts = SlotGenerator.ForDay(lateLunch, Date("2026-09-07")).Slots.Select(s => s.LocalStart.ToString("H:mm")).ToList();

        Assert.Equal(16, SlotGenerator.ForDay(noBreaks, Date("2026-09-07")).Slots.Count);
        Assert.Equal(14, lateLunchStarts.Count);
        Assert.Contains("12:00", lateLunchStarts);
        Assert.Contains("14:30", lateLunchStarts);
        Assert.DoesNotContain("13:00", lateLunchStarts);
        Assert.DoesNotContain("13:30", lateLunchStarts);
    }

    [Fact]
    public void A_slot_partly_inside_a_break_is_excluded()
    {
        var clinic = EveryDay("9:00-12:00", breaks: [TimeRange.Parse("10:15-10:45")]);

        Assert.Equal(
            ["9:00", "9:30", "11:00", "11:30"],
            SlotGenerator.ForDay(clinic, Date("2026-09-07")).Slots.Select(s => s.LocalStart.ToString("H:mm")));
    }

    [Theory]
    [InlineData("9:15-11:00", new[] { "9:30", "10:00", "10:30" })] // the first slot waits for the half hour
    [InlineData("9:00-10:45", new[] { "9:00", "9:30", "10:00" })] // the last slot must end by closing
    [InlineData("9:10-9:50", new string[0])]
    public void Hours_off_the_half_hour_grid_keep_slots_on_it(string hours, string[] starts) =>
        Assert.Equal(starts, SlotGenerator.ForDay(EveryDay(hours, breaks: []), Date("2026-09-07")).Slots.Select(s => s.LocalStart.ToString("H:mm")));

    [Fact]
    public void Spring_forward_skips_the_missing_hour()
    {
        var day = SlotGenerator.ForDay(EveryDay("0:00-6:00"), Date("2026-03-29"));

        Assert.Equal(
            ["0:00", "0:30", "1:00", "1:30", "3:00", "3:30", "4:00", "4:30", "5:00", "5:30"],
            day.Slots.Select(s => s.LocalStart.ToString("H:mm")));
        Assert.Equal(
            [
                Utc("2026-03-28T23:00Z"), Utc("2026-03-28T23:30Z"), Utc("2026-03-29T00:00Z"), Utc("2026-03-29T00:30Z"),
                Utc("2026-03-29T01:00Z"), Utc("2026-03-29T01:30Z"), Utc("2026-03-29T02:00Z"), Utc("2026-03-29T02:30Z"),
                Utc("2026-03-29T03:00Z"), Utc("2026-03-29T03:30Z"),
            ],
            day.Slots.Select(s => s.StartUtc));
    }

    [Fact]
    public void Fall_back_offers_the_repeated_hour_once_in_summer_time()
    {
        var day = SlotGenerator.ForDay(EveryDay("0:00-6:00"), Date("2026-10-25"));

        Assert.Equal(
            ["0:00", "0:30", "1:00", "1:30", "2:00", "2:30", "3:00", "3:30", "4:00", "4:30", "5:00", "5:30"],
            day.Slots.Select(s => s.LocalStart.ToString("H:mm")));
        Assert.Equal(
            [
                Utc("2026-10-24T22:00Z"), Utc("2026-10-24T22:30Z"), Utc("2026-10-24T23:00Z"), Utc("2026-10-24T23:30Z"),
                Utc("2026-10-25T00:00Z"), Utc("2026-10-25T00:30Z"), // 02:00 and 02:30 the first time round, +02:00
                Utc("2026-10-25T02:00Z"), Utc("2026-10-25T02:30Z"), Utc("2026-10-25T03:00Z"), Utc("2026-10-25T03:30Z"),
                Utc("2026-10-25T04:00Z"), Utc("2026-10-25T04:30Z"),
            ],
            day.Slots.Select(s => s.StartUtc));
    }

    [Theory]
    [InlineData("2026-03-28")]
    [InlineData("2026-03-29")]
    [InlineData("2026-03-30")]
    [InlineData("2026-10-24")]
    [InlineData("2026-10-25")]
    [InlineData("2026-10-26")]
    [InlineData("2025-03-30")]
    [InlineData("2027-10-31")]
    public void Slots_around_DST_changes_are_ordered_distinct_and_true_to_the_clock(string date)
    {
        var day = SlotGenerator.ForDay(EveryDay("0:00-23:59", breaks: []), Date(date));
        Assert.False(day.IsClosed);
        var expectedLocalStarts = Enumerable.Range(0, 47)
            .Select(i => TimeOnly.MinValue.AddMinutes(30 * i))
            .Where(time => StockholmTime.TryToUtc(Date(date), time, out _));

        Assert.Equal(expectedLocalStarts, day.Slots.Select(s => s.LocalStart));
        Assert.Equal(day.Slots.Count, day.Slots.Select(s => s.StartUtc).Distinct().Count());
        Assert.All(day.Slots.Zip(day.Slots.Skip(1)), pair =>
        {
            Assert.True(pair.First.LocalStart < pair.Second.LocalStart);
            Assert.True(pair.First.EndUtc <= pair.Second.StartUtc, $"{pair.First} overlaps {pair.Second}");
            Assert.Equal(0, (pair.Second.LocalStart - pair.First.LocalStart).Ticks % Slot.Length.Ticks);
        });
        Assert.All(day.Slots, slot =>
        {
            var shown = ClinicTime.ToLocal(slot.StartUtc);
            Assert.Equal((slot.LocalDate, slot.LocalStart), (DateOnly.FromDateTime(shown.DateTime), TimeOnly.FromDateTime(shown.DateTime)));
        });
    }

    private static IEnumerable<DaySlots> WeekOf(ClinicSchedule clinic, DateOnly monday) =>
        Enumerable.Range(0, 7).Select(offset => SlotGenerator.ForDay(clinic, monday.AddDays(offset)));
}
