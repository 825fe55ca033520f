namespace Dentistimo.Notifier.Email;

public enum EmailKind
{
    Confirmation,
    Rejection,
}

public static class EmailKindNames
{
    /// <summary>The name stored in <c>sent_emails.kind</c> and used in Message-IDs: renaming a member must not change it.</summary>
    public static string ToStoredName(this EmailKind kind) => kind switch
    {
        EmailKind.Confirmation => "confirmation",
        EmailKind.Rejection => "rejection",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
