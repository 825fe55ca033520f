using System.Text;
using Dentistimo.Notifier.Email;

namespace Dentistimo.UnitTests.Notifications;

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
    }

    [Fact]
    public void Lines_end_in_CRLF_are_at_most_75_octets_and_long_values_fold_without_splitting_characters()
    {
        var longName = string.Concat(Enumerable.Repeat("Tandläkarmottagningen Åä ", 8));
        var ics = AppointmentCalendar.Write(new CalendarEvent(
            "uid@dentistimo.com", TestBookings.WinterStart, TestBookings.WinterStart.AddMinutes(30), longName, "Göteborg; centrum\nplan 2",
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
