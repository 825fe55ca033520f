using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace Dentistimo.BookingApi.Model.Scheduling;

public sealed record PublicHoliday(DateOnly Date, string Name, string SwedishName);

/// <summary>
/// Statutory holidays plus Midsummer, Christmas and New Year's Eves, when practically everything closes. Today's rules
/// for every year: bookings reach months ahead, not back.
/// </summary>
public static class SwedishPublicHolidays
{
    // Every availability read asks about every day it shows.
    private static readonly ConcurrentDictionary<int, FrozenSet<DateOnly>> s_datesByYear = new();

    public static bool IsHoliday(DateOnly date) =>
        s_datesByYear.GetOrAdd(date.Year, year => For(year).Select(holiday => holiday.Date).ToFrozenSet()).Contains(date);

    // Movable feasts can land on fixed ones (Ascension Day was May Day in 2008), so two entries may share a date.
    public static IReadOnlyList<PublicHoliday> For(int year)
    {
        var easter = EasterSunday(year);
        PublicHoliday[] holidays =
        [
            new(new DateOnly(year, 1, 1), "New Year's Day", "Nyårsdagen"),
            new(new DateOnly(year, 1, 6), "Epiphany", "Trettondedag jul"),
            new(easter.AddDays(-2), "Good Friday", "Långfredagen"),
            new(easter, "Easter Sunday", "Påskdagen"),
            new(easter.AddDays(1), "Easter Monday", "Annandag påsk"),
            new(new DateOnly(year, 5, 1), "May Day", "Första maj"),
            new(easter.AddDays(39), "Ascension Day", "Kristi himmelsfärdsdag"),
            new(easter.AddDays(49), "Whitsunday", "Pingstdagen"),
            new(new DateOnly(year, 6, 6), "National Day", "Sveriges nationaldag"),
            new(FirstOnOrAfter(new DateOnly(year, 6, 19), DayOfWeek.Friday), "Midsummer Eve", "Midsommarafton"),
            new(FirstOnOrAfter(new DateOnly(year, 6, 20), DayOfWeek.Saturday), "Midsummer Day", "Midsommardagen"),
            new(FirstOnOrAfter(new DateOnly(year, 10, 31), DayOfWeek.Saturday), "All Saints' Day", "Alla helgons dag"),
            new(new DateOnly(year, 12, 24), "Christmas Eve", "Julafton"),
            new(new DateOnly(year, 12, 25), "Christmas Day", "Juldagen"),
            new(new DateOnly(year, 12, 26), "Boxing Day", "Annandag jul"),
            new(new DateOnly(year, 12, 31), "New Year's Eve", "Nyårsafton"),
        ];

        // Whitsunday can fall after National Day and Ascension Day before May Day.
        return [.. holidays.OrderBy(holiday => holiday.Date)];
    }

    // Meeus/Jones/Butcher
    public static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    private static DateOnly FirstOnOrAfter(DateOnly date, DayOfWeek day) =>
        date.AddDays(((int)day - (int)date.DayOfWeek + 7) % 7);
}
