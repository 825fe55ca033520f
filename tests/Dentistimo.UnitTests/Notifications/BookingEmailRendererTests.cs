using Dentistimo.Contracts.Api;
using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Notifier.Email;

namespace Dentistimo.UnitTests.Notifications;

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
    public void Events_published_before_recipients_were_sealed_are_still_emailed_from_their_recipient_in_the_clear()
    {
        var recipient = new BookingRecipient("Åsa Öberg", "asa@example.com", "sv");
        var confirmed = TestBookings.Confirmed() with { SealedRecipient = null, Recipient = recipient };
        var rejected = TestBookings.Rejected("fully-booked") with { BookingId = null, SealedRecipient = null, Recipient = recipient };

        var confirmation = TestBookings.Renderer().RenderConfirmation(confirmed);
        var rejection = TestBookings.Renderer().RenderRejection(rejected);

        Assert.Equal(("asa@example.com", "Åsa Öberg"), (confirmation.RecipientAddress, confirmation.RecipientName));
        Assert.Contains("Hej Åsa Öberg,", rejection.TextBody);
        // Without a booking id there is no request page: both links go to the booking page.
        Assert.DoesNotContain("/bookings/", rejection.TextBody);
        Assert.Contains("https://dentistimo.com/book?clinic=3&date=2026-12-01&lang=sv", rejection.TextBody);
    }

    [Fact]
    public void Every_template_placeholder_has_a_value()
    {
        var renderer = TestBookings.Renderer();
        foreach (var language in EmailTemplates.Embedded.Languages)
        {
            var confirmation = renderer.RenderConfirmation(TestBookings.Confirmed(language));
            var rejection = renderer.RenderRejection(TestBookings.Rejected("fully-booked", language));

            foreach (var rendered in new[] { confirmation.Subject, confirmation.TextBody, confirmation.HtmlBody, rejection.Subject, rejection.TextBody, rejection.HtmlBody })
            {
                Assert.DoesNotContain("{{", rendered);
            }
        }
    }

    [Fact]
    public void An_unknown_placeholder_is_a_rendering_error_not_a_silently_empty_gap()
    {
        var exception = Assert.Throws<EmailRenderingException>(() => EmailTemplates.Fill("Hi {{nickname}}", new Dictionary<string, string>(), v => v));

        Assert.Contains("nickname", exception.Message);
    }
}
