using System.Globalization;
using System.Text;

namespace Dentistimo.Notifier.Email;

/// <summary>What the file asks of the calendar (RFC 5546): keep a copy, add or update the entry, or cancel it.</summary>
public enum CalendarMethod
{
    Publish,
    Request,
    Cancel,
}

/// <summary>Who sends the entry and whom it is for, as calendars address them: by email address.</summary>
public sealed record CalendarParty(string Name, string Address);

/// <param name="Uid">
/// Stable per booking (<see cref="AppointmentCalendar.UidFor"/>), so the confirmation, every move and the cancellation
/// update one calendar entry instead of adding one each.
/// </param>
/// <param name="Sequence">Grows with every change of the booking: a calendar applies an update only over a lower one.</param>
/// <param name="Attendee">The patient; named only in a request or a cancellation, which RFC 5546 requires to name one.</param>
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

/// <summary>An iCalendar (RFC 5545) file with one event in UTC, which phones add to their calendar when it is opened.</summary>
public static class AppointmentCalendar
{
    public const string FileName = "appointment.ics";
    private const int MaxLineOctets = 75;

    /// <summary>
    /// The booking's entry in the patient's calendar. The form of the first confirmations sent, which calendars hold
    /// already: changing it would leave their entries behind when the booking is moved or cancelled.
    /// </summary>
    public static string UidFor(Guid bookingId, string domain) => $"booking-{bookingId}@{domain}";

    /// <summary>The MIME type, whose method must be the file's METHOD (RFC 6047).</summary>
    public static string ContentTypeFor(CalendarMethod method) => $"text/calendar; method={MethodName(method)}; charset=utf-8";

    public static EmailAttachment ToAttachment(CalendarEvent calendarEvent) =>
        new(FileName, ContentTypeFor(calendarEvent.Method), Encoding.UTF8.GetBytes(Write(calendarEvent)));

    public static string Write(CalendarEvent calendarEvent)
    {
        var calendar = new StringBuilder();
        var isCancelled = calendarEvent.Method == CalendarMethod.Cancel;
        // RFC 5546 requires a request and a cancellation to name the attendees; RSVP=FALSE, since nobody reads replies.
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

    /// <summary>A parameter value (RFC 5545 3.2): quoted, without the double quotes and control characters it cannot hold.</summary>
    private static string ParameterText(string value) => $"\"{Printable(value).Replace("\"", "")}\"";

    /// <summary>Without control characters, so that no value, not even an odd quoted email address, can end its line.</summary>
    private static string Printable(string value) => new(value.Where(character => !char.IsControl(character)).ToArray());

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
