using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Dentistimo.Contracts;
using Dentistimo.Contracts.Api;
using Dentistimo.Contracts.IntegrationEvents;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Dentistimo.Notifier.Email;

public sealed class BookingEmailRenderer(
    EmailTemplates templates,
    IOptions<EmailOptions> options,
    RecipientSeal recipientSeal,
    ManageTokens manageTokens,
    TimeProvider timeProvider,
    ILogger<BookingEmailRenderer> logger)
{
    // The default encoder escapes every non-ASCII letter; Swedish reads better, and is as safe, unescaped.
    private static readonly HtmlEncoder s_html = HtmlEncoder.Create(UnicodeRanges.All);

    public EmailMessage RenderConfirmation(BookingConfirmed booking)
    {
        var draft = Draft(new EmailIdentity(EmailKind.Confirmation, booking.RequestId), booking.RequestId, booking.Appointment, booking.SealedRecipient);
        AddBooking(draft, booking.BookingId, booking.Reference);
        return Compose(draft, draft.Texts.ConfirmationSubject, [Calendar(draft, booking.BookingId, CalendarMethod.Publish, BookingEmailOrder.ConfirmationSequence)]);
    }

    public EmailMessage RenderCancellation(BookingCancelled cancellation)
    {
        var draft = Draft(new EmailIdentity(EmailKind.Cancellation, cancellation.RequestId), cancellation.RequestId, cancellation.Appointment, cancellation.SealedRecipient);
        AddBooking(draft, cancellation.BookingId, cancellation.Reference);
        draft.Values["bookAgainUrl"] = Link($"book?clinic={draft.Appointment.ClinicId}&date={draft.LocalStart:yyyy-MM-dd}&lang={draft.Language}");
        return Compose(draft, draft.Texts.CancellationSubject,
            [Calendar(draft, cancellation.BookingId, CalendarMethod.Cancel, cancellation.CalendarSequence)]);
    }

    public EmailMessage RenderMove(BookingMoved move)
    {
        var draft = Draft(new EmailIdentity(EmailKind.Move, move.MoveId), move.RequestId, move.Appointment, move.SealedRecipient);
        AddBooking(draft, move.BookingId, move.Reference);
        var previousStart = ClinicTime.ToLocal(move.PreviousStartUtc);
        draft.Values["previousDate"] = previousStart.ToString(draft.Texts.DateFormat, draft.Culture);
        draft.Values["previousTime"] = previousStart.ToString(draft.Texts.TimeFormat, draft.Culture);
        return Compose(draft, draft.Texts.MoveSubject, [Calendar(draft, move.BookingId, CalendarMethod.Request, move.CalendarSequence)]);
    }

    // Sent about when online changes stop, so it asks the patient to call rather than promise a change.
    public EmailMessage RenderReminder(AppointmentReminderDue reminder)
    {
        var draft = Draft(new EmailIdentity(EmailKind.Reminder, reminder.ReminderId), reminder.RequestId, reminder.Appointment, reminder.SealedRecipient);
        AddBooking(draft, reminder.BookingId, reminder.Reference);
        var today = DateOnly.FromDateTime(ClinicTime.ToLocal(timeProvider.GetUtcNow()).DateTime);
        var day = DateOnly.FromDateTime(draft.LocalStart.DateTime);
        var when = day == today ? draft.Texts.ReminderToday
            : day == today.AddDays(1) ? draft.Texts.ReminderTomorrow
            : draft.Texts.ReminderOnDate;
        draft.Values["when"] = Fill(when, draft);
        return Compose(draft, draft.Texts.ReminderSubject, []);
    }

    public EmailMessage RenderRejection(BookingRejected rejection)
    {
        var draft = Draft(new EmailIdentity(EmailKind.Rejection, rejection.RequestId), rejection.RequestId, rejection.Appointment, rejection.SealedRecipient);
        if (!draft.Texts.Reasons.TryGetValue(rejection.ReasonCode ?? "", out var reason))
        {
            throw new EmailRenderingException(
                $"Rejection of request {rejection.RequestId} has reason code '{rejection.ReasonCode}', which no email template words.");
        }

        draft.Values["reason"] = reason;
        // Outside the booking window the booking page takes no such day: offer the home page with the clinic chosen.
        draft.Values["bookAgainUrl"] = rejection.ReasonCode == RejectionCodes.OutsideBookingWindow
            ? Link($"?clinic={rejection.Appointment.ClinicId}&lang={draft.Language}")
            : Link($"book?clinic={rejection.Appointment.ClinicId}&date={draft.LocalStart:yyyy-MM-dd}&lang={draft.Language}");
        draft.Values["bookingUrl"] = Link($"bookings/{rejection.BookingId}?lang={draft.Language}");
        return Compose(draft, draft.Texts.RejectionSubject, []);
    }

    private string MessageDomain => new MailboxAddress(null, options.Value.SenderAddress).Domain;

    private void AddBooking(EmailDraft draft, Guid bookingId, string? reference)
    {
        draft.Values["reference"] = reference ?? "";
        draft.Values["bookingUrl"] = Link($"bookings/{bookingId}?lang={draft.Language}");
        // The token is the key to change the booking: in the bodies only, never in the calendar file, which calendars share.
        draft.Values["manageUrl"] = Link($"bookings/{bookingId}/manage?token={manageTokens.For(bookingId)}&lang={draft.Language}");
    }

    private EmailAttachment Calendar(EmailDraft draft, Guid bookingId, CalendarMethod method, int sequence)
    {
        var sender = options.Value;
        return AppointmentCalendar.ToAttachment(new CalendarEvent(
            Method: method,
            Uid: AppointmentCalendar.UidFor(bookingId, MessageDomain),
            Sequence: sequence,
            Organizer: new CalendarParty(sender.SenderName, sender.SenderAddress),
            Attendee: new CalendarParty(draft.Recipient.Name ?? "", draft.Recipient.Email),
            Start: draft.Appointment.StartUtc,
            End: draft.Appointment.EndUtc,
            Summary: Fill(draft.Texts.CalendarSummary, draft),
            Location: $"{draft.Appointment.ClinicName}, {draft.Appointment.ClinicAddress}",
            Latitude: draft.Appointment.Latitude,
            Longitude: draft.Appointment.Longitude,
            Description: Fill(draft.Texts.CalendarDescription, draft),
            Url: draft.Values["bookingUrl"],
            Stamp: timeProvider.GetUtcNow()));
    }

    private EmailDraft Draft(
        EmailIdentity identity, Guid requestId, AppointmentDetails? appointment, SealedRecipient? sealedRecipient)
    {
        var kind = identity.Kind;
        // Events have no schema: a missing part would fail with a NullReferenceException and be retried in vain.
        if (appointment is null || sealedRecipient is null)
        {
            throw new EmailRenderingException($"The {kind.ToStoredName()} event for request {requestId} lacks its {(appointment is null ? "appointment" : "recipient")}.");
        }

        var recipient = Open(kind, requestId, sealedRecipient);

        if (!Mailboxes.TryCreate(null, recipient.Email, out _))
        {
            throw new EmailRenderingException($"The {kind.ToStoredName()} event for request {requestId} has no valid recipient address.");
        }

        var language = templates.ResolveLanguage(recipient.Language);
        var texts = templates.TextsFor(language);
        var culture = CultureInfo.GetCultureInfo(texts.Culture);
        var localStart = ClinicTime.ToLocal(appointment.StartUtc);
        var localEnd = ClinicTime.ToLocal(appointment.EndUtc);
        return new EmailDraft(identity, requestId, recipient, appointment, language, texts, culture, localStart)
        {
            Values =
            {
                ["language"] = language,
                ["patientName"] = recipient.Name ?? "",
                ["clinicName"] = appointment.ClinicName ?? "",
                ["clinicAddress"] = appointment.ClinicAddress ?? "",
                ["clinicPhone"] = appointment.ClinicPhone ?? "",
                ["date"] = localStart.ToString(texts.DateFormat, culture),
                ["time"] = localStart.ToString(texts.TimeFormat, culture),
                ["endTime"] = localEnd.ToString(texts.TimeFormat, culture),
                ["footer"] = texts.Footer,
            },
        };
    }

    // Sealed with a key this notifier lacks: the event goes to the error queue, to be re-driven once the key is back.
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
        draft.Values["content"] = EmailTemplates.Fill(templates.Body(draft.Language, draft.Identity.Kind, "html"), draft.Values, s_html.Encode);
        return new EmailMessage(
            RequestId: draft.RequestId,
            MessageId: $"<{draft.Identity.Kind.ToStoredName()}.{draft.Identity.Id:N}@{MessageDomain}>",
            RecipientName: draft.Recipient.Name ?? "",
            RecipientAddress: draft.Recipient.Email,
            Subject: subject,
            TextBody: Fill(templates.Body(draft.Language, draft.Identity.Kind, "txt"), draft),
            HtmlBody: EmailTemplates.Fill(templates.Layout, draft.Values, s_html.Encode),
            Attachments: attachments);
    }

    private static string Fill(string template, EmailDraft draft) => EmailTemplates.Fill(template, draft.Values, value => value);

    private string Link(string pathAndQuery) => $"{options.Value.PublicBaseUrl.AbsoluteUri.TrimEnd('/')}/{pathAndQuery}";

    private sealed record EmailDraft(
        EmailIdentity Identity,
        Guid RequestId,
        BookingRecipient Recipient,
        AppointmentDetails Appointment,
        string Language,
        LanguageTexts Texts,
        CultureInfo Culture,
        DateTimeOffset LocalStart)
    {
        public Dictionary<string, string> Values { get; } = [];
    }
}
