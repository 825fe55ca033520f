using Dentistimo.BookingApi.Model.Scheduling;
using static Dentistimo.BookingApi.Tests.Scheduling.TestClinics;

namespace Dentistimo.BookingApi.Tests.Scheduling;

public class SwedishPublicHolidaysTests
{
    [Theory]
    [InlineData(2024, "2024-03-31")]
    [InlineData(2025, "2025-04-20")]
    [InlineData(2026, "2026-04-05")]
    [InlineData(2027, "2027-03-28")]
    [InlineData(2019, "2019-04-21")]
    [InlineData(2000, "2000-04-23")]
    [InlineData(2008, "2008-03-23")]
    [InlineData(1818, "1818-03-22")] // earliest possible date
    [InlineData(2038, "2038-04-25")] // latest possible date
    public void Computes_Easter_Sunday(int year, string easter) =>
        Assert.Equal(Date(easter), SwedishPublicHolidays.EasterSunday(year));

    [Fact]
    public void Lists_the_2026_holidays_in_calendar_order()
    {
        var holidays = SwedishPublicHolidays.For(2026).Select(h => (h.Date.ToString("yyyy-MM-dd"), h.Name));

        Assert.Equal(
        [
            ("2026-01-01", "New Year's Day"),
            ("2026-01-06", "Epiphany"),
            ("2026-04-03", "Good Friday"),
            ("2026-04-05", "Easter Sunday"),
            ("2026-04-06", "Easter Monday"),
            ("2026-05-01", "May Day"),
            ("2026-05-14", "Ascension Day"),
            ("2026-05-24", "Whitsunday"),
            ("2026-06-06", "National Day"),
            ("2026-06-19", "Midsummer Eve"),
            ("2026-06-20", "Midsummer Day"),
            ("2026-10-31", "All Saints' Day"),
            ("2026-12-24", "Christmas Eve"),
            ("2026-12-25", "Christmas Day"),
            ("2026-12-26", "Boxing Day"),
            ("2026-12-31", "New Year's Eve"),
        ],
        holidays);
    }

    [Fact]
    public void Gives_Swedish_names_too() =>
        Assert.Equal("Midsommarafton", SwedishPublicHolidays.For(2026).Single(h => h.Name == "Midsummer Eve").SwedishName);

    [Theory]
    // 2024
    [InlineData("2024-03-29", "Good Friday")]
    [InlineData("2024-03-31", "Easter Sunday")]
    [InlineData("2024-04-01", "Easter Monday")]
    [InlineData("2024-05-09", "Ascension Day")]
    [InlineData("2024-05-19", "Whitsunday")]
    [InlineData("2024-06-21", "Midsummer Eve")]
    [InlineData("2024-06-22", "Midsummer Day")]
    [InlineData("2024-11-02", "All Saints' Day")]
    // 2025
    [InlineData("2025-01-06", "Epiphany")]
    [InlineData("2025-04-18", "Good Friday")]
    [InlineData("2025-04-20", "Easter Sunday")]
    [InlineData("2025-04-21", "Easter Monday")]
    [InlineData("2025-05-29", "Ascension Day")]
    [InlineData("2025-06-08", "Whitsunday")]
    [InlineData("2025-06-20", "Midsummer Eve")]
    [InlineData("2025-06-21", "Midsummer Day")]
    [InlineData("2025-11-01", "All Saints' Day")]
    // 2026
    [InlineData("2026-04-03", "Good Friday")]
    [InlineData("2026-05-14", "Ascension Day")]
    [InlineData("2026-06-19", "Midsummer Eve")]
    [InlineData("2026-10-31", "All Saints' Day")]
    // 2027: Midsummer and All Saints' Day at the end of their ranges
    [InlineData("2027-03-26", "Good Friday")]
    [InlineData("2027-06-25", "Midsummer Eve")]
    [InlineData("2027-06-26", "Midsummer Day")]
    [InlineData("2027-11-06", "All Saints' Day")]
    // 2008: Ascension Day fell on May Day
    [InlineData("2008-05-01", "Ascension Day")]
    [InlineData("2008-05-01", "May Day")]
    public void Knows_holidays_across_years(string date, string name)
    {
        Assert.True(SwedishPublicHolidays.IsHoliday(Date(date)));
        Assert.Contains(new PublicHoliday(Date(date), name, SwedishNameOf(name)), SwedishPublicHolidays.For(Date(date).Year));
    }

    [Theory]
    [InlineData("2026-04-04")] // Easter Eve: shops close early, clinics do not
    [InlineData("2026-04-07")]
    [InlineData("2026-06-18")]
    [InlineData("2026-06-21")]
    [InlineData("2026-06-26")] // a Friday, but not between 19 and 25 June
    [InlineData("2026-11-01")]
    [InlineData("2026-12-23")]
    [InlineData("2026-12-27")]
    [InlineData("2027-01-02")]
    public void Ordinary_days_are_not_holidays(string date) =>
        Assert.False(SwedishPublicHolidays.IsHoliday(Date(date)));

    [Fact]
    public void Movable_holidays_keep_their_weekdays_and_ranges_for_centuries()
    {
        for (var year = 1900; year <= 2300; year++)
        {
            var holidays = SwedishPublicHolidays.For(year).ToDictionary(h => h.Name, h => h.Date);

            Assert.Equal(16, holidays.Count);
            Assert.All(holidays.Values, date => Assert.Equal(year, date.Year));
            Assert.Equal(DayOfWeek.Sunday, holidays["Easter Sunday"].DayOfWeek);
            Assert.InRange(holidays["Easter Sunday"], new DateOnly(year, 3, 22), new DateOnly(year, 4, 25));
            Assert.Equal(DayOfWeek.Friday, holidays["Good Friday"].DayOfWeek);
            Assert.Equal(DayOfWeek.Monday, holidays["Easter Monday"].DayOfWeek);
            Assert.Equal(DayOfWeek.Thursday, holidays["Ascension Day"].DayOfWeek);
            Assert.Equal(DayOfWeek.Sunday, holidays["Whitsunday"].DayOfWeek);
            Assert.Equal(DayOfWeek.Friday, holidays["Midsummer Eve"].DayOfWeek);
            Assert.InRange(holidays["Midsummer Eve"], new DateOnly(year, 6, 19), new DateOnly(year, 6, 25));
            Assert.Equal(holidays["Midsummer Eve"].AddDays(1), holidays["Midsummer Day"]);
            Assert.Equal(DayOfWeek.Saturday, holidays["All Saints' Day"].DayOfWeek);
            Assert.InRange(holidays["All Saints' Day"], new DateOnly(year, 10, 31), new DateOnly(year, 11, 6));
            Assert.Equal(SwedishPublicHolidays.For(year).OrderBy(h => h.Date).Select(h => h.Date), SwedishPublicHolidays.For(year).Select(h => h.Date));
        }
    }

    private static string SwedishNameOf(string name) => SwedishPublicHolidays.For(2026).Single(h => h.Name == name).SwedishName;
}
