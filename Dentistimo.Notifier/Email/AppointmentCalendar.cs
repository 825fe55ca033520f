using System.Globalization;
using System.Text;

namespace Dentistimo.Notifier.Email;

/// <param name="Uid">Stable per booking, so importing the file twice updates one calendar entry instead of adding two.</param>
public sealed record CalendarEvent(
    string Uid,
    DateTimeOffset Start,
    DateTimeOffset End,
    string Summary,
    string Location,
    double Latitude,
    double Longitude,
    string Description,
    string Url,
    DateTimeOffset Stamp);

/// <summary>An iCalendar (RFC 5545) file with one event in UTC, which phones add to their calendar when it is opened.</summary>
public static class AppointmentCalendar
{
    public const string FileName = "appointment.ics";
    public const string ContentType = "text/calendar; method=PUBLISH; charset=utf-8";
    private const int MaxLineOctets = 75;

    public static EmailAttachment ToAttachment(CalendarEvent calendarEvent) =>
        new(FileName, ContentType, Encoding.UTF8.GetBytes(Write(calendarEvent)));

    public static string Write(CalendarEvent calendarEvent)
    {
        var calendar = new StringBuilder();
        foreach (var line in (string[])
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Dentistimo//Notifier//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "BEGIN:VEVENT",
            $"UID:{Text(calendarEvent.Uid)}",
            $"DTSTAMP:{Utc(calendarEvent.Stamp)}",
            $"DTSTART:{Utc(calendarEvent.Start)}",
            $"DTEND:{Utc(calendarEvent.End)}",
            $"SUMMARY:{Text(calendarEvent.Summary)}",
            $"LOCATION:{Text(calendarEvent.Location)}",
            string.Create(CultureInfo.InvariantCulture, $"GEO:{calendarEvent.Latitude:0.######};{calendarEvent.Longitude:0.######}"),
            $"DESCRIPTION:{Text(calendarEvent.Description)}",
            $"URL:{calendarEvent.Url}",
            "STATUS:CONFIRMED",
            "TRANSP:OPAQUE",
            "END:VEVENT",
            "END:VCALENDAR",
        ])
        {
            Fold(line, calendar);
        }

        return calendar.ToString();
    }

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Escapes a TEXT value (RFC 5545 3.3.11).</summary>
    private static string Text(string value) => value
        .Replace("\\", "\\\\")
        .Replace(";", "\\;")
        .Replace(",", "\\,")
        .ReplaceLineEndings("\\n");

    /// <summary>Folds a content line into lines of at most 75 octets, never splitting a UTF-8 character (RFC 5545 3.1).</summary>
    private static void Fold(string line, StringBuilder output)
    {
        var octets = 0;
        var limit = MaxLineOctets;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > limit)
            {
                output.Append("\r\n ");
                octets = 0;
                limit = MaxLineOctets - 1; // the leading space counts
            }

            output.Append(rune.ToString());
            octets += size;
        }

        output.Append("\r\n");
    }
}
