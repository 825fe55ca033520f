using System.Text;
using Dentistimo.Notifier.Email;

namespace Dentistimo.Notifier.Tests;

public sealed class AppointmentCalendarTests
{
    [Fact]
    public void The_confirmation_carries_an_iCalendar_event_in_UTC_at_the_clinic()
    {
        var attachment = Assert.Single(TestBookings.Renderer().RenderConfirmation(TestBookings.Confirmed()).Attachments);
        var properties = Unfold(Encoding.UTF8.GetString(attachment.Content));

        Assert.Equal("appointment.ics", attachment.FileName);
        Assert.StartsWith("text/calendar", attachment.ContentType);
        Assert.Equal("VCALENDAR", properties["BEGIN"][0]);
        Assert.Equal("2.0", properties["VERSION"][0]);
        Assert.Equal("20261201T080000Z", properties["DTSTART"][0]);
        Assert.Equal("20261201T083000Z", properties["DTEND"][0]);
        Assert.Equal("20261120T120000Z", properties["DTSTAMP"][0]);
        Assert.Equal("booking-0f8fad5b-d9cb-469f-a165-70867728950e@dentistimo.com", properties["UID"][0]);
        Assert.Equal("The Crown\\, Lindholmsallén 19\\, 417 55 Göteborg", properties["LOCATION"][0]);
        Assert.Equal("57.709872;11.94", properties["GEO"][0]);
        Assert.Equal("Dentist: The Crown", properties["SUMMARY"][0]);
        Assert.Equal("Booking reference: DT-7K3QX", properties["DESCRIPTION"][0]);
        Assert.Equal("https://dentistimo.com/bookings/0f8fad5b-d9cb-469f-a165-70867728950e?lang=en", properties["URL"][0]);
        Assert.Equal("PUBLISH", properties["METHOD"][0]);
        Assert.Equal("0", properties["SEQUENCE"][0]);
        Assert.Equal("CONFIRMED", properties["STATUS"][0]);
        Assert.Equal("mailto:bookings@dentistimo.com", properties["ORGANIZER"][0]);
        Assert.Equal("text/calendar; method=PUBLISH; charset=utf-8", attachment.ContentType);
    }

    [Fact]
    public void Confirmation_move_and_cancellation_update_one_calendar_entry_with_a_growing_sequence()
    {
        var renderer = TestBookings.Renderer();
        var confirmation = Calendar(renderer.RenderConfirmation(TestBookings.Confirmed()));
        var move = Calendar(renderer.RenderMove(TestBookings.Moved(calendarSequence: 1)));
        var cancellation = Calendar(renderer.RenderCancellation(TestBookings.Cancelled(calendarSequence: 2)));

        Assert.Equal("booking-0f8fad5b-d9cb-469f-a165-70867728950e@dentistimo.com", confirmation.Properties["UID"][0]);
        Assert.Equal(confirmation.Properties["UID"], move.Properties["UID"]);
        Assert.Equal(confirmation.Properties["UID"], cancellation.Properties["UID"]);
        Assert.Equal(["0", "1", "2"], new[] { confirmation, move, cancellation }.Select(calendar => calendar.Properties["SEQUENCE"][0]));
        Assert.Equal(["PUBLISH", "REQUEST", "CANCEL"], new[] { confirmation, move, cancellation }.Select(calendar => calendar.Properties["METHOD"][0]));
        Assert.Equal(["CONFIRMED", "CONFIRMED", "CANCELLED"], new[] { confirmation, move, cancellation }.Select(calendar => calendar.Properties["STATUS"][0]));
        Assert.All(new[] { confirmation, move, cancellation },
            calendar => Assert.Equal($"text/calendar; method={calendar.Properties["METHOD"][0]}; charset=utf-8", calendar.ContentType));
    }

    [Fact]
    public void A_moved_entry_has_the_new_time_and_a_cancelled_one_keeps_its_time()
    {
        var renderer = TestBookings.Renderer();

        var move = Calendar(renderer.RenderMove(TestBookings.Moved()));
        var cancellation = Calendar(renderer.RenderCancellation(TestBookings.Cancelled()));

        Assert.Equal(("20261202T130000Z", "20261202T133000Z"), (move.Properties["DTSTART"][0], move.Properties["DTEND"][0]));
        Assert.Equal(("20261201T080000Z", "20261201T083000Z"), (cancellation.Properties["DTSTART"][0], cancellation.Properties["DTEND"][0]));
    }

    [Fact]
    public void A_request_and_a_cancellation_name_the_organiser_and_the_patient_as_RFC_5546_requires_and_ask_for_no_reply()
    {
        var renderer = TestBookings.Renderer();
        foreach (var email in new[] { renderer.RenderMove(TestBookings.Moved()), renderer.RenderCancellation(TestBookings.Cancelled()) })
        {
            var ics = Encoding.UTF8.GetString(Assert.Single(email.Attachments).Content).Replace("\r\n ", "");

            Assert.Contains("ORGANIZER;CN=\"Dentistimo\":mailto:bookings@dentistimo.com\r\n", ics);
            Assert.Contains("ATTENDEE;CN=\"Åsa Öberg\";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:asa@example.com\r\n", ics);
        }
    }

    [Fact]
    public void The_calendar_file_never_holds_the_manage_token_since_calendars_share_and_synchronise_entries()
    {
        var renderer = TestBookings.Renderer();
        var token = TestBookings.ManageTokens.For(TestBookings.BookingId);

        foreach (var email in new[] { renderer.RenderConfirmation(TestBookings.Confirmed()), renderer.RenderMove(TestBookings.Moved()), renderer.RenderCancellation(TestBookings.Cancelled()) })
        {
            Assert.DoesNotContain(token, Encoding.UTF8.GetString(Assert.Single(email.Attachments).Content).Replace("\r\n ", ""));
        }
    }

    [Fact]
    public void A_name_or_address_with_quotes_or_line_breaks_cannot_break_out_of_its_line()
    {
        var ics = AppointmentCalendar.Write(new CalendarEvent(
            CalendarMethod.Request, "uid@dentistimo.com", 1, new CalendarParty("Dentistimo", "bookings@dentistimo.com"),
            new CalendarParty("Bo \"Ek\"\r\nATTENDEE:mailto:x@evil.example", "\"bo\r\nX-INJECTED:1\"@example.com"), TestBookings.WinterStart,
            TestBookings.WinterStart.AddMinutes(30), "s", "l", 57.7, 11.9, "d", "https://dentistimo.com/", TestBookings.Now));

        Assert.Contains("ATTENDEE;CN=\"Bo EkATTENDEE:mailto:x@evil.example\";", ics);
        Assert.Single(ics.Split("\r\n"), line => line.StartsWith("ATTENDEE", StringComparison.Ordinal));
        Assert.DoesNotContain("\r\nX-INJECTED", ics);
    }

    private static (string ContentType, Dictionary<string, List<string>> Properties) Calendar(EmailMessage email)
    {
        var attachment = Assert.Single(email.Attachments);
        return (attachment.ContentType, Unfold(Encoding.UTF8.GetString(attachment.Content)));
    }

    [Fact]
    public void Lines_end_in_CRLF_are_at_most_75_octets_and_long_values_fold_without_splitting_characters()
    {
        var longName = string.Concat(Enumerable.Repeat("Tandläkarmottagningen Åä ", 8));
        var ics = AppointmentCalendar.Write(new CalendarEvent(
            CalendarMethod.Publish, "uid@dentistimo.com", 0, new CalendarParty("Dentistimo", "bookings@dentistimo.com"),
            new CalendarParty("Åsa", "asa@example.com"), TestBookings.WinterStart, TestBookings.WinterStart.AddMinutes(30), longName, "Göteborg; centrum\nplan 2",
            57.7, 11.9, "d", "https://dentistimo.com/", TestBookings.Now));

        Assert.EndsWith("END:VCALENDAR\r\n", ics);
        Assert.DoesNotContain("\n", ics.Replace("\r\n", ""));
        Assert.All(ics.Split("\r\n"), line => Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, line));
        Assert.Equal(longName.Trim(), Unfold(ics)["SUMMARY"][0].Trim());
        Assert.Equal("Göteborg\\; centrum\\nplan 2", Unfold(ics)["LOCATION"][0]);
    }

    /// <summary>Undoes RFC 5545 folding and splits each content line into its name and value.</summary>
    private static Dictionary<string, List<string>> Unfold(string ics) =>
        ics.Replace("\r\n ", "").Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(line => (Name: line[..line.IndexOf(':')], Value: line[(line.IndexOf(':') + 1)..]))
            .GroupBy(p => p.Name.Split(';')[0])
            .ToDictionary(g => g.Key, g => g.Select(p => p.Value).ToList());
}
