namespace Dentistimo.Notifier.Email;

public enum EmailKind
{
    Confirmation,
    Rejection,
    Cancellation,
    Move,
    Reminder,
}

/// <summary>
/// Which email: a kind and the id of what it tells, the request for a booking's outcome or cancellation, the move or the
/// reminder for those. At most one email is sent per identity (<c>sent_emails</c>), and its Message-ID is derived from it.
/// </summary>
public sealed record EmailIdentity(EmailKind Kind, Guid Id);

public static class EmailKindNames
{
    /// <summary>The name stored in <c>sent_emails.kind</c> and used in Message-IDs: renaming a member must not change it.</summary>
    public static string ToStoredName(this EmailKind kind) => kind switch
    {
        EmailKind.Confirmation => "confirmation",
        EmailKind.Rejection => "rejection",
        EmailKind.Cancellation => "cancellation",
        EmailKind.Move => "move",
        EmailKind.Reminder => "reminder",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
