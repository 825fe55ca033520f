using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Dentistimo.Contracts;
using Dentistimo.Contracts.Api;
using Dentistimo.Contracts.IntegrationEvents;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Dentistimo.Notifier.Email;

/// <summary>Turns a booking decision into the email the patient reads, in their language and in Stockholm time.</summary>
public sealed class BookingEmailRenderer(
    EmailTemplates templates,
    IOptions<EmailOptions> options,
    RecipientSeal recipientSeal,
    TimeProvider timeProvider,
    ILogger<BookingEmailRenderer> logger)
{
    // The default encoder escapes every non-ASCII letter; Swedish reads better, and is as safe, unescaped.
    private static readonly HtmlEncoder s_html = HtmlEncoder.Create(UnicodeRanges.All);

    public EmailMessage RenderConfirmation(BookingConfirmed booking)
    {
        var draft = Draft(EmailKind.Confirmation, booking.RequestId, booking.Appointment, booking.SealedRecipient, booking.Recipient);
        draft.Values["reference"] = booking.Reference ?? "";
        draft.Values["bookingUrl"] = Link($"bookings/{booking.BookingId}?lang={draft.Language}");

        var appointment = booking.Appointment;
        var calendar = AppointmentCalendar.ToAttachment(new CalendarEvent(
            Uid: $"booking-{booking.BookingId}@{MessageDomain}",
            Start: appointment.StartUtc,
            End: appointment.EndUtc,
            Summary: Fill(draft.Texts.CalendarSummary, draft),
            Location: $"{appointment.ClinicName}, {appointment.ClinicAddress}",
            Latitude: appointment.Latitude,
            Longitude: appointment.Longitude,
            Description: Fill(draft.Texts.CalendarDescription, draft),
            Url: draft.Values["bookingUrl"],
            Stamp: timeProvider.GetUtcNow()));

        return Compose(draft, draft.Texts.ConfirmationSubject, [calendar]);
    }

    public EmailMessage RenderRejection(BookingRejected rejection)
    {
        var draft = Draft(EmailKind.Rejection, rejection.RequestId, rejection.Appointment, rejection.SealedRecipient, rejection.Recipient);
        if (!draft.Texts.Reasons.TryGetValue(rejection.ReasonCode ?? "", out var reason))
        {
            throw new EmailRenderingException(
                $"Rejection of request {rejection.RequestId} has reason code '{rejection.ReasonCode}', which no email template words.");
        }

        draft.Values["reason"] = reason;
        // Another time that day where the day can still be booked; otherwise the booking page would only send the patient
        // on to the home page, asking for a clinic and a date first: the home page with the clinic chosen, then.
        draft.Values["bookAgainUrl"] = rejection.ReasonCode == RejectionCodes.OutsideBookingWindow
            ? Link($"?clinic={rejection.Appointment.ClinicId}&lang={draft.Language}")
            : Link($"book?clinic={rejection.Appointment.ClinicId}&date={draft.LocalStart:yyyy-MM-dd}&lang={draft.Language}");
        // The rejected request's own page says why and lists the times still free that day. A rejection published before
        // events carried its booking id has no page to link to (this can go with BookingRejected.Recipient).
        draft.Values["bookingUrl"] = rejection.BookingId is { } bookingId
            ? Link($"bookings/{bookingId}?lang={draft.Language}")
            : draft.Values["bookAgainUrl"];
        return Compose(draft, draft.Texts.RejectionSubject, []);
    }

    private string MessageDomain => new MailboxAddress(null, options.Value.SenderAddress).Domain;

    private EmailDraft Draft(
        EmailKind kind, Guid requestId, AppointmentDetails? appointment, SealedRecipient? sealedRecipient, BookingRecipient? clearRecipient)
    {
        // An event published before recipients were sealed has its recipient in the clear (see BookingEvents.cs).
        var recipient = sealedRecipient is null ? clearRecipient : Open(kind, requestId, sealedRecipient);

        // Events are deserialised without a schema: a missing part would otherwise fail with a NullReferenceException
        // and be retried for minutes, when no retry can ever help.
        if (appointment is null || recipient is null)
        {
            throw new EmailRenderingException($"The {kind.ToStoredName()} event for request {requestId} lacks its {(appointment is null ? "appointment" : "recipient")}.");
        }

        if (!Mailboxes.TryCreate(null, recipient.Email, out _))
        {
            throw new EmailRenderingException($"The {kind.ToStoredName()} event for request {requestId} has no valid recipient address.");
        }

        var language = templates.ResolveLanguage(recipient.Language);
        var texts = templates.TextsFor(language);
        var culture = CultureInfo.GetCultureInfo(texts.Culture);
        var localStart = ClinicTime.ToLocal(appointment.StartUtc);
        var localEnd = ClinicTime.ToLocal(appointment.EndUtc);
        return new EmailDraft(kind, requestId, recipient, language, texts, localStart)
        {
            Values =
            {
                ["language"] = language,
                ["patientName"] = recipient.Name ?? "",
                ["clinicName"] = appointment.ClinicName ?? "",
                ["clinicAddress"] = appointment.ClinicAddress ?? "",
                ["date"] = localStart.ToString(texts.DateFormat, culture),
                ["time"] = localStart.ToString(texts.TimeFormat, culture),
                ["endTime"] = localEnd.ToString(texts.TimeFormat, culture),
                ["footer"] = texts.Footer,
            },
        };
    }

    /// <summary>
    /// A recipient this notifier cannot open (sealed with a key it does not hold, say, after a rotation that dropped the
    /// previous key too soon) cannot become an email until the key is back: the event goes to the error queue, to be
    /// re-driven then, and the log says which request and which key, never what was sealed.
    /// </summary>
    private BookingRecipient Open(EmailKind kind, Guid requestId, SealedRecipient sealedRecipient)
    {
        try
        {
            return recipientSeal.Open(sealedRecipient, requestId);
        }
        catch (RecipientSealException exception)
        {
            logger.LogError(
                "The {Kind} event for request {RequestId} (recipient sealed with key {KeyId}) goes to the error queue: {Problem}",
                kind, requestId, sealedRecipient.KeyId, exception.Message);
            throw new EmailRenderingException($"The {kind.ToStoredName()} event for request {requestId} cannot be opened: {exception.Message}.");
        }
    }

    private EmailMessage Compose(EmailDraft draft, string subjectTemplate, IReadOnlyList<EmailAttachment> attachments)
    {
        var subject = Fill(subjectTemplate, draft);
        draft.Values["subject"] = subject;
        draft.Values["content"] = EmailTemplates.Fill(templates.Body(draft.Language, draft.Kind, "html"), draft.Values, s_html.Encode);
        return new EmailMessage(
            RequestId: draft.RequestId,
            MessageId: $"<{draft.Kind.ToStoredName()}.{draft.RequestId:N}@{MessageDomain}>",
            RecipientName: draft.Recipient.Name ?? "",
            RecipientAddress: draft.Recipient.Email,
            Subject: subject,
            TextBody: Fill(templates.Body(draft.Language, draft.Kind, "txt"), draft),
            HtmlBody: EmailTemplates.Fill(templates.Layout, draft.Values, s_html.Encode),
            Attachments: attachments);
    }

    private static string Fill(string template, EmailDraft draft) => EmailTemplates.Fill(template, draft.Values, value => value);

    private string Link(string pathAndQuery) => $"{options.Value.PublicBaseUrl.AbsoluteUri.TrimEnd('/')}/{pathAndQuery}";

    private sealed record EmailDraft(
        EmailKind Kind,
        Guid RequestId,
        BookingRecipient Recipient,
        string Language,
        LanguageTexts Texts,
        DateTimeOffset LocalStart)
    {
        public Dictionary<string, string> Values { get; } = [];
    }
}
