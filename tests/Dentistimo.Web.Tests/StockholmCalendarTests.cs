using Dentistimo.Web.Services;

namespace Dentistimo.Web.Tests;

public class StockholmCalendarTests
{
    // 23:30 UTC on 14 January is already 15 January in Stockholm (UTC+1).
    private static readonly StockholmCalendar s_calendar = new(new FixedTime(new DateTimeOffset(2027, 1, 14, 23, 30, 0, TimeSpan.Zero)));
    private static readonly DateOnly s_today = new(2027, 1, 15);

    [Theory]
    [InlineData(1)]
    [InlineData(30)]
    [InlineData(90)]
    [InlineData(180)]
    public void The_date_picker_offers_today_and_the_days_within_BookingApi_s_horizon(int horizonDays)
    {
        var days = s_calendar.BookableDays(new BookingWindow(horizonDays));

        Assert.Equal(s_today, s_calendar.Today);
        Assert.Equal(horizonDays, days.Count);
        Assert.Equal(s_today, days[0]);
        Assert.Equal(s_today.AddDays(horizonDays - 1), days[^1]);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(29, true)]
    [InlineData(30, false)]
    public void A_day_is_bookable_from_today_to_the_last_day_within_the_horizon(int daysAhead, bool bookable) =>
        Assert.Equal(bookable, s_calendar.IsBookable(s_today.AddDays(daysAhead), new BookingWindow(30)));

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
