using Dentistimo.BookingApi.Model.Scheduling;
using static Dentistimo.BookingApi.Tests.Scheduling.TestClinics;

namespace Dentistimo.BookingApi.Tests.Scheduling;

public class TimeRangeTests
{
    [Theory]
    [InlineData("9:00-17:00", "9:00", "17:00")]
    [InlineData("09:00-17:00", "9:00", "17:00")]
    [InlineData("14:30-15:00", "14:30", "15:00")]
    [InlineData(" 7:00 - 12:00 ", "7:00", "12:00")]
    [InlineData("0:00-6:00", "0:00", "6:00")]
    [InlineData("0:00-23:59", "0:00", "23:59")]
    public void Parses_the_registry_format(string text, string start, string end)
    {
        var range = TimeRange.Parse(text);

        Assert.Equal(Time(start), range.Start);
        Assert.Equal(Time(end), range.End);
    }

    [Theory]
    [InlineData("9:00-17:00")]
    [InlineData("14:30-15:00")]
    [InlineData("0:00-6:00")]
    public void Prints_back_in_the_registry_format(string text) =>
        Assert.Equal(text, TimeRange.Parse(text).ToString());

    [Theory]
    [InlineData("", "H:MM-H:MM")]
    [InlineData("9-17", "H:MM-H:MM")]
    [InlineData("9:00", "H:MM-H:MM")]
    [InlineData("9:00-17", "H:MM-H:MM")]
    [InlineData("9.00-17.00", "H:MM-H:MM")]
    [InlineData("9:0-17:00", "H:MM-H:MM")]
    [InlineData("9:00–17:00", "H:MM-H:MM")] // an en dash, as pasted from a word processor
    [InlineData("nine to five", "H:MM-H:MM")]
    [InlineData("9:00-24:00", "hour 24 is not between 0 and 23")]
    [InlineData("9:60-17:00", "minute 60 is not between 00 and 59")]
    [InlineData("17:00-9:00", "must end after it starts")]
    [InlineData("9:00-9:00", "must end after it starts")]
    public void Rejects_malformed_text_with_a_message_naming_it(string text, string expectedProblem)
    {
        var error = Assert.Throws<FormatException>(() => TimeRange.Parse(text));

        Assert.Contains($"\"{text}\"", error.Message);
        Assert.Contains(expectedProblem, error.Message);
        Assert.False(TimeRange.TryParse(text, out _));
    }

    [Fact]
    public void TryParse_rejects_null() => Assert.False(TimeRange.TryParse(null, out _));

    [Fact]
    public void Cannot_be_constructed_backwards() =>
        Assert.Throws<ArgumentException>(() => new TimeRange(Time("13:00"), Time("12:00")));

    [Theory]
    [InlineData("11:30-12:00", false)] // ends as lunch starts
    [InlineData("13:00-13:30", false)] // starts as lunch ends
    [InlineData("11:45-12:15", true)]
    [InlineData("12:45-13:15", true)]
    [InlineData("12:15-12:45", true)]
    [InlineData("11:00-14:00", true)]
    public void Overlaps_only_when_sharing_time(string other, bool overlaps)
    {
        var lunch = TimeRange.Parse("12:00-13:00");

        Assert.Equal(overlaps, lunch.Overlaps(TimeRange.Parse(other)));
        Assert.Equal(overlaps, TimeRange.Parse(other).Overlaps(lunch));
    }
}
