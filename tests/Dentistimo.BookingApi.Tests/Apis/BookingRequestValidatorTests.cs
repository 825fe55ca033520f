using Dentistimo.BookingApi.Apis;

namespace Dentistimo.BookingApi.Tests.Apis;

public class BookingRequestValidatorTests
{
    [Theory]
    [InlineData("2026-11-23T09:00:00+01:00")]
    [InlineData("2026-11-23T08:00Z")]
    [InlineData("2000-01-01T00:00:00Z")]
    [InlineData("2999-12-31T23:30:00Z")]
    public void Takes_an_instant_with_its_offset_in_the_supported_years(string text)
    {
        Assert.True(BookingRequestValidator.TryParseStart(text, out var start, out _));
        Assert.Equal(DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture), start);
    }

    // Stockholm's offset added to these would leave the range DateTime can hold.
    [Theory]
    [InlineData("9999-12-31T23:30:00+00:00")]
    [InlineData("9999-12-31T23:59:59Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("1999-12-31T22:59:59Z")]
    [InlineData("3000-01-01T00:00:00Z")]
    public void Refuses_a_time_outside_the_supported_years_with_a_message(string text)
    {
        Assert.False(BookingRequestValidator.TryParseStart(text, out _, out var error));
        Assert.Equal("The time must be in the years 2000 to 2999.", error);
    }

    [Fact]
    public void Refuses_a_time_without_its_offset()
    {
        Assert.False(BookingRequestValidator.TryParseStart("2026-11-23T09:00:00", out _, out var error));
        Assert.Contains("offset", error);
    }
}
