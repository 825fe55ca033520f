namespace Dentistimo.AppHost.Tests.FaultInjection;

/// <summary>What a test does to the system mid-stream, and how it heals it again.</summary>
/// <param name="Name">As it appears in the report, e.g. "kill -9 BookingApi".</param>
public sealed record Fault(string Name, Func<SystemUnderTest, Task> Inject, Func<SystemUnderTest, Task> Heal)
{
    /// <summary>How long the fault lasts before healing starts; healing itself (a restart) takes longer still.</summary>
    public TimeSpan Outage { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Duplicate emails the fault may cause without breaking the invariant; counted and reported all the same, and the
    /// goal stays zero. Only a crash of the notifier gets any: an email SMTP accepted just before the crash, which the
    /// notifier had not yet recorded as sent, is sent again when its event is redelivered (docs/notifier.md).
    /// </summary>
    public int ToleratedDuplicateEmails { get; init; }
}
