namespace Dentistimo.Notifier.Email;

/// <summary>
/// Where an email stands among its booking's emails: at the calendar sequence its calendar file carries. Retries can hold
/// an email back while later ones about the booking go out, and an older one sent after them would contradict them.
/// </summary>
public sealed record BookingEmailOrder(Guid BookingId, int CalendarSequence)
{
    /// <summary>The confirmation's calendar file publishes the entry that every later one updates.</summary>
    public const int ConfirmationSequence = 0;

    /// <summary>A cancellation supersedes every email about its booking; otherwise a later calendar sequence supersedes an earlier one.</summary>
    public bool IsSupersededBy(EmailKind sentKind, int sentCalendarSequence) =>
        sentKind == EmailKind.Cancellation || sentCalendarSequence > CalendarSequence;
}
