using Dentistimo.Contracts.Api;
using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Notifier.Email;

namespace Dentistimo.Notifier.Tests;

public sealed class BookingEmailRendererTests
{
    public static TheoryData<string> ReasonCodes => [.. RejectionCodes.All];

    [Fact]
    public void A_confirmation_in_English_names_the_clinic_the_Stockholm_time_and_the_reference_and_links_to_the_booking()
    {
        var email = TestBookings.Renderer().RenderConfirmation(TestBookings.Confirmed("en"));

        Assert.Equal("Appointment confirmed: The Crown, Tuesday 1 December 2026 at 09:00", email.Subject);
        Assert.Equal("asa@example.com", email.RecipientAddress);
        Assert.Equal("Åsa Öberg", email.RecipientName);
        foreach (var body in new[] { email.TextBody, email.HtmlBody })
        {
            Assert.Contains("Lindholmsallén 19, 417 55 Göteborg", body);
            Assert.Contains("09:00–09:30", body);
            Assert.Contains("DT-7K3QX", body);
            Assert.Contains("https://dentistimo.com/bookings/0f8fad5b-d9cb-469f-a165-70867728950e?lang=en", body.Replace("&amp;", "&"));
        }
    }

    [Fact]
    public void A_confirmation_in_Swedish_is_worded_and_dated_in_Swedish()
    {
        var email = TestBookings.Renderer().RenderConfirmation(TestBookings.Confirmed("sv"));

        Assert.Equal("Bokning bekräftad: The Crown, tisdag 1 december 2026 kl. 09:00", email.Subject);
        Assert.Contains("Hej Åsa Öberg,", email.TextBody);
        Assert.Contains("Bokningsnummer", email.HtmlBody);
        Assert.Contains("<html lang=\"sv\">", email.HtmlBody);
        Assert.Contains("?lang=sv", email.TextBody);
    }

    [Fact]
    public void Times_are_shown_in_Stockholm_summer_time_when_it_applies()
    {
        var email = TestBookings.Renderer().RenderConfirmation(TestBookings.Confirmed("en", TestBookings.SummerStart));

        Assert.Contains("10:00–10:30", email.TextBody);
    }

    [Fact]
    public void A_language_we_have_no_templates_for_gets_English()
    {
        var email = TestBookings.Renderer().RenderConfirmation(TestBookings.Confirmed("de"));

        Assert.StartsWith("Appointment confirmed", email.Subject);
    }

    [Fact]
    public void The_Message_ID_is_derived_from_the_request_so_a_resent_email_is_the_same_email()
    {
        var renderer = TestBookings.Renderer();

        var first = renderer.RenderConfirmation(TestBookings.Confirmed());
        var again = renderer.RenderConfirmation(TestBookings.Confirmed());
        var rejection = renderer.RenderRejection(TestBookings.Rejected("fully-booked"));

        Assert.Equal("<confirmation.7c9e6679742540de944be07fc1f90ae7@dentistimo.com>", first.MessageId);
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.NotEqual(first.MessageId, rejection.MessageId);
    }

    [Fact]
    public void Patient_data_is_HTML_encoded_in_the_HTML_body_and_left_as_typed_in_the_text_body()
    {
        var email = TestBookings.Renderer().RenderConfirmation(TestBookings.Confirmed(name: "<b>Bo</b> & {{reference}}"));

        Assert.Contains("&lt;b&gt;Bo&lt;/b&gt; &amp; {{reference}}", email.HtmlBody);
        Assert.DoesNotContain("<b>Bo</b>", email.HtmlBody);
        Assert.Contains("Hello <b>Bo</b> & {{reference}},", email.TextBody);
    }

    [Theory]
    [MemberData(nameof(ReasonCodes))]
    public void Every_rejection_reason_is_worded_in_both_languages_with_links_to_the_request_and_back_to_the_clinic(string reasonCode)
    {
        foreach (var language in new[] { "sv", "en" })
        {
            var email = TestBookings.Renderer("https://staging.dentistimo.com/").RenderRejection(TestBookings.Rejected(reasonCode, language));

            var reason = EmailTemplates.Embedded.TextsFor(language).Reasons[reasonCode];
            Assert.Contains(reason, email.TextBody);
            Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All).Encode(reason), email.HtmlBody);
            Assert.Contains($"https://staging.dentistimo.com/bookings/{TestBookings.BookingId}?lang={language}", email.TextBody);
            Assert.Contains($"href=\"https://staging.dentistimo.com/bookings/{TestBookings.BookingId}?lang={language}\"", email.HtmlBody);
            // The booking page for another time that day, unless that day cannot be booked (it has passed, or is beyond
            // the horizon): then the home page with the clinic chosen, where the patient picks a date.
            var bookAgain = reasonCode == "outside-booking-window"
                ? $"https://staging.dentistimo.com/?clinic=3&lang={language}"
                : $"https://staging.dentistimo.com/book?clinic=3&date=2026-12-01&lang={language}";
            Assert.Contains(bookAgain, email.TextBody);
            Assert.Contains(bookAgain.Replace("&", "&amp;"), email.HtmlBody);
            Assert.Empty(email.Attachments);
        }
    }

    [Fact]
    public void The_rejection_link_uses_the_Stockholm_date_not_the_UTC_date()
    {
        var lateEvening = TestBookings.Rejected("fully-booked") with
        {
            Appointment = TestBookings.Appointment(new DateTimeOffset(2026, 11, 30, 23, 30, 0, TimeSpan.Zero)),
        };

        var email = TestBookings.Renderer().RenderRejection(lateEvening);

        Assert.Contains("date=2026-12-01", email.TextBody);
    }

    [Fact]
    public void A_reason_code_no_template_words_cannot_be_rendered_and_the_error_names_the_code_not_the_patient()
    {
        var exception = Assert.Throws<EmailRenderingException>(() => TestBookings.Renderer().RenderRejection(TestBookings.Rejected("struck-by-lightning")));

        Assert.Contains("struck-by-lightning", exception.Message);
        Assert.Contains("7c9e6679-7425-40de-944b-e07fc1f90ae7", exception.Message);
        Assert.DoesNotContain("asa@example.com", exception.Message);
        Assert.DoesNotContain("Åsa", exception.Message);
    }

    [Fact]
    public void An_event_without_a_valid_recipient_address_cannot_be_rendered()
    {
        var booking = TestBookings.Confirmed(email: "not an address");

        var exception = Assert.Throws<EmailRenderingException>(() => TestBookings.Renderer().RenderConfirmation(booking));

        Assert.DoesNotContain("not an address", exception.Message);
    }

    [Fact]
    public void An_event_sealed_with_a_key_the_notifier_does_not_hold_cannot_be_rendered_and_the_error_names_the_request_and_the_key()
    {
        var otherKey = new RecipientSeal("a-key-this-notifier-has-never-held-0123");
        var booking = TestBookings.Confirmed() with
        {
            SealedRecipient = otherKey.Seal(new BookingRecipient("Åsa Öberg", "asa@example.com", "en"), TestBookings.RequestId),
        };

        var log = new TestBookings.LogLines<BookingEmailRenderer>();

        var exception = Assert.Throws<EmailRenderingException>(() => TestBookings.Renderer(logger: log).RenderConfirmation(booking));

        foreach (var said in log.Lines.Append(exception.Message))
        {
            Assert.Contains(TestBookings.RequestId.ToString(), said);
            Assert.Contains(otherKey.KeyId, said);
            Assert.DoesNotContain("asa@example.com", said);
            Assert.DoesNotContain("Åsa", said);
        }

        Assert.StartsWith("Error: ", Assert.Single(log.Lines));
    }

    [Fact]
    public void Every_template_placeholder_has_a_value()
    {
        var renderer = TestBookings.Renderer();
        foreach (var language in EmailTemplates.Embedded.Languages)
        {
            var emails = new[]
            {
                renderer.RenderConfirmation(TestBookings.Confirmed(language)),
                renderer.RenderRejection(TestBookings.Rejected("fully-booked", language)),
                renderer.RenderCancellation(TestBookings.Cancelled(language)),
                renderer.RenderMove(TestBookings.Moved(language)),
                renderer.RenderReminder(TestBookings.ReminderDue(TestBookings.WinterStart, language)),
            };

            foreach (var rendered in emails.SelectMany(email => new[] { email.Subject, email.TextBody, email.HtmlBody }))
            {
                Assert.DoesNotContain("{{", rendered);
            }
        }
    }

    [Theory]
    [InlineData("en", "Change or cancel your appointment")]
    [InlineData("sv", "Ändra eller avboka din tid")]
    public void A_confirmation_links_to_changing_or_cancelling_the_appointment_with_a_token_BookingApi_accepts(string language, string linkText)
    {
        var email = TestBookings.Renderer("https://staging.dentistimo.com/").RenderConfirmation(TestBookings.Confirmed(language));

        var manageUrl = ManageUrl(email.TextBody, language);
        Assert.Contains($"{linkText}: {manageUrl}", email.TextBody);
        Assert.Contains($"href=\"{manageUrl.Replace("&", "&amp;")}\">{linkText}</a>", email.HtmlBody);
    }

    [Theory]
    [InlineData("en", "Appointment cancelled: The Crown, Tuesday 1 December 2026 at 09:00", "Book another time")]
    [InlineData("sv", "Bokning avbokad: The Crown, tisdag 1 december 2026 kl. 09:00", "Boka en annan tid")]
    public void A_cancellation_names_the_clinic_the_Stockholm_time_and_the_reference_and_links_to_booking_again_that_day(
        string language, string subject, string bookAgainText)
    {
        var email = TestBookings.Renderer().RenderCancellation(TestBookings.Cancelled(language));

        Assert.Equal(subject, email.Subject);
        foreach (var body in new[] { email.TextBody, email.HtmlBody })
        {
            Assert.Contains("The Crown", body);
            Assert.Contains("09:00–09:30", body);
            Assert.Contains("DT-7K3QX", body);
            Assert.DoesNotContain("/manage", body);
        }

        Assert.Contains($"{bookAgainText}: https://dentistimo.com/book?clinic=3&date=2026-12-01&lang={language}", email.TextBody);
        Assert.Contains($"href=\"https://dentistimo.com/book?clinic=3&amp;date=2026-12-01&amp;lang={language}\">{bookAgainText}</a>", email.HtmlBody);
        Assert.Contains($"<html lang=\"{language}\">", email.HtmlBody);
    }

    [Fact]
    public void The_book_again_link_of_a_cancellation_uses_the_Stockholm_date_not_the_UTC_date()
    {
        var lateEvening = TestBookings.Cancelled() with
        {
            Appointment = TestBookings.Appointment(new DateTimeOffset(2026, 11, 30, 23, 30, 0, TimeSpan.Zero)),
        };

        var email = TestBookings.Renderer().RenderCancellation(lateEvening);

        Assert.Contains("date=2026-12-01", email.TextBody);
    }

    [Theory]
    [InlineData("en", "Appointment moved: The Crown, now Wednesday 2 December 2026 at 14:00", "moved from Tuesday 1 December 2026 at 09:00")]
    [InlineData("sv", "Bokning flyttad: The Crown, nu onsdag 2 december 2026 kl. 14:00", "flyttad från tisdag 1 december 2026 kl. 09:00")]
    public void A_move_tells_the_new_and_the_old_Stockholm_time_and_links_to_managing_the_booking(string language, string subject, string previously)
    {
        var email = TestBookings.Renderer().RenderMove(TestBookings.Moved(language));

        Assert.Equal(subject, email.Subject);
        foreach (var body in new[] { email.TextBody, email.HtmlBody })
        {
            Assert.Contains(previously, body);
            Assert.Contains("14:00–14:30", body);
            Assert.Contains("DT-7K3QX", body);
            Assert.Contains($"https://dentistimo.com/bookings/{TestBookings.BookingId}?lang={language}", body);
        }

        var manageUrl = ManageUrl(email.TextBody, language);
        Assert.Contains($"href=\"{manageUrl.Replace("&", "&amp;")}\"", email.HtmlBody);
    }

    [Theory]
    [InlineData("en", 2026, 11, 21, 8, "Reminder: your dental appointment tomorrow at 09:00, The Crown", "Your appointment is tomorrow at 09:00")]
    [InlineData("sv", 2026, 11, 21, 8, "Påminnelse: din tandläkartid i morgon kl. 09:00, The Crown", "Din tid är i morgon kl. 09:00")]
    [InlineData("en", 2026, 11, 20, 15, "Reminder: your dental appointment today at 16:00, The Crown", "Your appointment is today at 16:00")]
    [InlineData("sv", 2026, 11, 20, 15, "Påminnelse: din tandläkartid i dag kl. 16:00, The Crown", "Din tid är i dag kl. 16:00")]
    [InlineData("en", 2026, 12, 1, 8, "Reminder: your dental appointment on Tuesday 1 December 2026 at 09:00, The Crown", "Your appointment is on Tuesday 1 December 2026 at 09:00")]
    [InlineData("sv", 2026, 12, 1, 8, "Påminnelse: din tandläkartid tisdag 1 december 2026 kl. 09:00, The Crown", "Din tid är tisdag 1 december 2026 kl. 09:00")]
    public void A_reminder_says_when_in_the_patients_language_and_Stockholm_time_whom_to_call_and_links_to_the_booking(
        string language, int year, int month, int day, int utcHour, string subject, string heading)
    {
        // Now is 13:00 on 20 November in Stockholm.
        var start = new DateTimeOffset(year, month, day, utcHour, 0, 0, TimeSpan.Zero);

        var email = TestBookings.Renderer().RenderReminder(TestBookings.ReminderDue(start, language));

        Assert.Equal(subject, email.Subject);
        Assert.Contains($"<h1>{heading}</h1>", email.HtmlBody);
        Assert.Contains("DT-7K3QX", email.TextBody);
        // Online changes stop about when the reminder goes out, so it names the clinic's phone.
        Assert.Contains("031-51 00 19", email.TextBody);
        Assert.Contains("031-51 00 19", email.HtmlBody);
        var manageUrl = ManageUrl(email.TextBody, language);
        Assert.Contains($"href=\"{manageUrl.Replace("&", "&amp;")}\"", email.HtmlBody);
        Assert.Empty(email.Attachments);
    }

    [Fact]
    public void A_reminder_counts_days_by_the_Stockholm_date_not_the_UTC_date()
    {
        // 23:30 UTC on 20 November is already 00:30 on 21 November in Stockholm.
        var renderer = TestBookings.Renderer(now: new DateTimeOffset(2026, 11, 20, 23, 30, 0, TimeSpan.Zero));

        var email = renderer.RenderReminder(TestBookings.ReminderDue(new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero)));

        Assert.Equal("Reminder: your dental appointment today at 09:00, The Crown", email.Subject);
    }

    [Fact]
    public void Each_move_and_each_reminder_is_an_email_of_its_own_and_a_cancellation_one_per_booking()
    {
        var renderer = TestBookings.Renderer();

        Assert.Equal("<cancellation.7c9e6679742540de944be07fc1f90ae7@dentistimo.com>", renderer.RenderCancellation(TestBookings.Cancelled()).MessageId);
        Assert.Equal($"<move.{TestBookings.MoveId:N}@dentistimo.com>", renderer.RenderMove(TestBookings.Moved()).MessageId);
        Assert.Equal($"<reminder.{TestBookings.ReminderId:N}@dentistimo.com>", renderer.RenderReminder(TestBookings.ReminderDue(TestBookings.WinterStart)).MessageId);
        // Traces and logs name the booking request whichever email it is.
        Assert.Equal(TestBookings.RequestId, renderer.RenderMove(TestBookings.Moved()).RequestId);
    }

    [Fact]
    public void New_kinds_of_email_are_stored_under_names_of_their_own()
    {
        Assert.Equal(["confirmation", "rejection", "cancellation", "move", "reminder"], Enum.GetValues<EmailKind>().Select(kind => kind.ToStoredName()));
    }

    [Fact]
    public void A_cancellation_sealed_with_a_key_the_notifier_does_not_hold_cannot_be_rendered_and_names_no_patient()
    {
        var otherKey = new RecipientSeal("a-key-this-notifier-has-never-held-0123");
        var cancellation = TestBookings.Cancelled() with
        {
            SealedRecipient = otherKey.Seal(new BookingRecipient("Åsa Öberg", "asa@example.com", "en"), TestBookings.RequestId),
        };

        var exception = Assert.Throws<EmailRenderingException>(() => TestBookings.Renderer().RenderCancellation(cancellation));

        Assert.Contains("cancellation", exception.Message);
        Assert.Contains(TestBookings.RequestId.ToString(), exception.Message);
        Assert.DoesNotContain("asa@example.com", exception.Message);
    }

    /// <summary>The manage link in a text body, checked to carry a token BookingApi accepts for the booking.</summary>
    private static string ManageUrl(string textBody, string language)
    {
        var match = System.Text.RegularExpressions.Regex.Match(textBody, @"https://\S+/bookings/(?<id>[0-9a-f-]{36})/manage\?token=(?<token>[A-Za-z0-9_-]{43})&lang=(?<lang>\w+)");
        Assert.True(match.Success, textBody);
        Assert.Equal(TestBookings.BookingId, Guid.Parse(match.Groups["id"].Value));
        Assert.True(TestBookings.ManageTokens.IsValid(TestBookings.BookingId, match.Groups["token"].Value));
        Assert.Equal(language, match.Groups["lang"].Value);
        return match.Value;
    }

    [Fact]
    public void An_unknown_placeholder_is_a_rendering_error_not_a_silently_empty_gap()
    {
        var exception = Assert.Throws<EmailRenderingException>(() => EmailTemplates.Fill("Hi {{nickname}}", new Dictionary<string, string>(), v => v));

        Assert.Contains("nickname", exception.Message);
    }
}
