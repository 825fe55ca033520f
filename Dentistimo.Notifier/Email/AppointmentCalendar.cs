using System.Globalization;
using System.Text;

namespace Dentistimo.Notifier.Email;

public enum CalendarMethod
{
    Publish,
    Request,
    Cancel,
}

public sealed record CalendarParty(string Name, string Address);

/// <param name="Uid">Stable per booking, so every change updates one calendar entry instead of adding one.</param>
/// <param name="Sequence">A calendar applies an update only over a lower one.</param>
public sealed record CalendarEvent(
    CalendarMethod Method,
    string Uid,
    int Sequence,
    CalendarParty Organizer,
    CalendarParty Attendee,
    DateTimeOffset Start,
    DateTimeOffset End,
    string Summary,
    string Location,
    double Latitude,
    double Longitude,
    string Description,
    string Url,
    DateTimeOffset Stamp);

public static class AppointmentCalendar
{
    public const string FileName = "appointment.ics";
    private const int MaxLineOctets = 75;

    // The form the first confirmations were sent with: changing it would orphan the entries calendars hold.
    public static string UidFor(Guid bookingId, string domain) => $"booking-{bookingId}@{domain}";

    // RFC 6047: the MIME type's method must be the file's METHOD.
    public static string ContentTypeFor(CalendarMethod method) => $"text/calendar; method={MethodName(method)}; charset=utf-8";

    public static EmailAttachment ToAttachment(CalendarEvent calendarEvent) =>
        new(FileName, ContentTypeFor(calendarEvent.Method), Encoding.UTF8.GetBytes(Write(calendarEvent)));

    public static string Write(CalendarEvent calendarEvent)
    {
        var calendar = new StringBuilder();
        var isCancelled = calendarEvent.Method == CalendarMethod.Cancel;
        // RFC 5546 requires requests and cancellations to name attendees; RSVP=FALSE, since nobody reads replies.
        string[] attendee = calendarEvent.Method == CalendarMethod.Publish
            ? []
            : [$"ATTENDEE;CN={ParameterText(calendarEvent.Attendee.Name)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:{Printable(calendarEvent.Attendee.Address)}"];
        foreach (var line in (string[])
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Dentistimo//Notifier//EN",
            "CALSCALE:GREGORIAN",
            $"METHOD:{MethodName(calendarEvent.Method)}",
            "BEGIN:VEVENT",
            $"UID:{Text(calendarEvent.Uid)}",
            string.Create(CultureInfo.InvariantCulture, $"SEQUENCE:{calendarEvent.Sequence}"),
            $"DTSTAMP:{Utc(calendarEvent.Stamp)}",
            $"ORGANIZER;CN={ParameterText(calendarEvent.Organizer.Name)}:mailto:{calendarEvent.Organizer.Address}",
            .. attendee,
            $"DTSTART:{Utc(calendarEvent.Start)}",
            $"DTEND:{Utc(calendarEvent.End)}",
            $"SUMMARY:{Text(calendarEvent.Summary)}",
            $"LOCATION:{Text(calendarEvent.Location)}",
            string.Create(CultureInfo.InvariantCulture, $"GEO:{calendarEvent.Latitude:0.######};{calendarEvent.Longitude:0.######}"),
            $"DESCRIPTION:{Text(calendarEvent.Description)}",
            $"URL:{calendarEvent.Url}",
            isCancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED",
            "TRANSP:OPAQUE",
            "END:VEVENT",
            "END:VCALENDAR",
        ])
        {
            Fold(line, calendar);
        }

        return calendar.ToString();
    }

    private static string MethodName(CalendarMethod method) => method switch
    {
        CalendarMethod.Publish => "PUBLISH",
        CalendarMethod.Request => "REQUEST",
        CalendarMethod.Cancel => "CANCEL",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    private static string ParameterText(string value) => $"\"{Printable(value).Replace("\"", "")}\"";

    // No value, not even an odd quoted email address, may end its line.
    private static string Printable(string value) => new(value.Where(character => !char.IsControl(character)).ToArray());

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static string Text(string value) => value
        .Replace("\\", "\\\\")
        .Replace(";", "\\;")
        .Replace(",", "\\,")
        .ReplaceLineEndings("\\n");

    // RFC 5545 3.1: at most 75 octets a line, never splitting a UTF-8 character.
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
