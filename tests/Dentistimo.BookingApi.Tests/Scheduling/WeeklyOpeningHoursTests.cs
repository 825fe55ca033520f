using Dentistimo.BookingApi.Model.Scheduling;

namespace Dentistimo.BookingApi.Tests.Scheduling;

public class WeeklyOpeningHoursTests
{
    private static WeeklyOpeningHours Parse(params (string Day, string? Hours)[] days) =>
        WeeklyOpeningHours.Parse(days.Select(day => KeyValuePair.Create(day.Day, day.Hours)));

    [Fact]
    public void Parses_each_weekday_and_leaves_missing_days_closed()
    {
        var hours = Parse(("monday", "9:00-17:00"), ("wednesday", "7:00-12:00"));

        Assert.Equal(TimeRange.Parse("9:00-17:00"), hours[DayOfWeek.Monday]);
        Assert.Equal(TimeRange.Parse("7:00-12:00"), hours[DayOfWeek.Wednesday]);
        Assert.Null(hours[DayOfWeek.Tuesday]);
        Assert.Null(hours[DayOfWeek.Saturday]);
        Assert.Null(hours[DayOfWeek.Sunday]);
    }

    [Fact]
    public void Weekday_names_ignore_case() =>
        Assert.NotNull(Parse(("Friday", "9:00-15:00"))[DayOfWeek.Friday]);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void A_blank_weekday_is_closed(string? blank) =>
        Assert.Null(Parse(("saturday", blank))[DayOfWeek.Saturday]);

    [Theory]
    [InlineData("funday", "\"funday\" is not a weekday")]
    [InlineData("1", "\"1\" is not a weekday")]
    [InlineData("monday, friday", "is not a weekday")]
    public void Rejects_unknown_weekdays(string day, string expectedProblem)
    {
        var error = Assert.Throws<FormatException>(() => Parse((day, "9:00-17:00")));

        Assert.Contains(expectedProblem, error.Message);
    }

    [Fact]
    public void Rejects_a_weekday_given_twice()
    {
        var error = Assert.Throws<FormatException>(() => Parse(("monday", "9:00-17:00"), ("Monday", "8:00-16:00")));

        Assert.Contains("Monday is given more than once", error.Message);
    }

    [Fact]
    public void Names_the_weekday_with_malformed_hours()
    {
        var error = Assert.Throws<FormatException>(() => Parse(("monday", "9:00-17:00"), ("friday", "9-15")));

        Assert.StartsWith("Opening hours for Friday: \"9-15\"", error.Message);
    }
}
