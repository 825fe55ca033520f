namespace Dentistimo.Notifier.Email;

public enum EmailKind
{
    Confirmation,
    Rejection,
    Cancellation,
    Move,
    Reminder,
}

/// <summary>At most one email is sent per identity (<c>sent_emails</c>), and its Message-ID is derived from it.</summary>
public sealed record EmailIdentity(EmailKind Kind, Guid Id);

public static class EmailKindNames
{
    // Stored in sent_emails.kind and used in Message-IDs: renaming a member must not change it.
    public static string ToStoredName(this EmailKind kind) => kind switch
    {
        EmailKind.Confirmation => "confirmation",
        EmailKind.Rejection => "rejection",
        EmailKind.Cancellation => "cancellation",
        EmailKind.Move => "move",
        EmailKind.Reminder => "reminder",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static EmailKind FromStoredName(string name) =>
        Enum.GetValues<EmailKind>().Single(kind => kind.ToStoredName() == name);
}
