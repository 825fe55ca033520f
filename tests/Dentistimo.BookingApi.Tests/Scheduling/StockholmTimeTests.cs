using Dentistimo.BookingApi.Model.Scheduling;
using Dentistimo.Contracts;
using static Dentistimo.BookingApi.Tests.Scheduling.TestClinics;

namespace Dentistimo.BookingApi.Tests.Scheduling;

public class StockholmTimeTests
{
    [Theory]
    [InlineData("2026-01-15", "12:00", "2026-01-15T11:00Z")] // winter, +01:00
    [InlineData("2026-07-01", "12:00", "2026-07-01T10:00Z")] // summer, +02:00
    [InlineData("2026-03-27", "9:00", "2026-03-27T08:00Z")] // the Friday before summer time
    [InlineData("2026-03-29", "1:59", "2026-03-29T00:59Z")] // the last minute of winter time
    [InlineData("2026-03-29", "3:00", "2026-03-29T01:00Z")] // the first minute of summer time
    [InlineData("2026-03-30", "9:00", "2026-03-30T07:00Z")] // the Monday after
    [InlineData("2026-10-25", "1:59", "2026-10-24T23:59Z")]
    [InlineData("2026-10-25", "2:00", "2026-10-25T00:00Z")] // happens twice: the first (summer time) occurrence
    [InlineData("2026-10-25", "2:30", "2026-10-25T00:30Z")]
    [InlineData("2026-10-25", "2:59", "2026-10-25T00:59Z")]
    [InlineData("2026-10-25", "3:00", "2026-10-25T02:00Z")] // winter time again
    [InlineData("2026-10-23", "9:00", "2026-10-23T07:00Z")] // the Friday before winter time
    [InlineData("2026-10-26", "9:00", "2026-10-26T08:00Z")] // the Monday after
    public void Converts_Stockholm_clock_time_to_UTC(string date, string time, string utc)
    {
        var converted = StockholmTime.ToUtc(Date(date), Time(time));

        Assert.Equal(Utc(utc), converted);
        Assert.Equal(TimeSpan.Zero, converted.Offset);
        Assert.True(StockholmTime.TryToUtc(Date(date), Time(time), out var tried));
        Assert.Equal(converted, tried);
    }

    [Theory]
    [InlineData("2:00")]
    [InlineData("2:30")]
    [InlineData("2:59")]
    public void Clock_times_skipped_by_summer_time_do_not_exist(string time)
    {
        Assert.False(StockholmTime.TryToUtc(Date("2026-03-29"), Time(time), out _));
        var error = Assert.Throws<ArgumentException>(() => StockholmTime.ToUtc(Date("2026-03-29"), Time(time)));
        Assert.Contains("does not exist in Stockholm", error.Message);
    }

    [Theory]
    [InlineData("2026-01-15T11:00Z", "2026-01-15T12:00:00+01:00")]
    [InlineData("2026-07-01T10:00Z", "2026-07-01T12:00:00+02:00")]
    [InlineData("2026-03-29T00:59Z", "2026-03-29T01:59:00+01:00")]
    [InlineData("2026-03-29T01:00Z", "2026-03-29T03:00:00+02:00")]
    [InlineData("2026-10-25T00:30Z", "2026-10-25T02:30:00+02:00")] // 02:30 the first time
    [InlineData("2026-10-25T01:30Z", "2026-10-25T02:30:00+01:00")] // 02:30 the second time
    public void Shows_UTC_instants_in_Stockholm_time_with_the_offset_in_force(string utc, string local)
    {
        var shown = ClinicTime.ToLocal(Utc(utc));

        Assert.Equal(DateTimeOffset.Parse(local, System.Globalization.CultureInfo.InvariantCulture), shown);
        Assert.Equal(DateTimeOffset.Parse(local, System.Globalization.CultureInfo.InvariantCulture).Offset, shown.Offset);
    }

    [Theory]
    [InlineData("2026-03-29T22:30Z", "2026-03-30")] // 00:30 the next day in Stockholm
    [InlineData("2026-01-15T22:59Z", "2026-01-15")]
    [InlineData("2026-01-15T23:00Z", "2026-01-16")]
    public void Finds_the_Stockholm_date_of_an_instant(string utc, string date) =>
        Assert.Equal(Date(date), ClinicTime.LocalDate(Utc(utc)));
}
