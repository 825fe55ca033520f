namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>Past the cut-off the clinic has planned the chair, so the patient calls it instead.</summary>
public sealed class AppointmentChangePolicy
{
    public const int DefaultCancellationCutoffHours = 24;
    public const int DefaultReminderHoursBefore = 24;

    /// <param name="cancellationCutoffHours">0 allows changes until the start.</param>
    public AppointmentChangePolicy(int cancellationCutoffHours = DefaultCancellationCutoffHours, int reminderHoursBefore = DefaultReminderHoursBefore)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cancellationCutoffHours);
        ArgumentOutOfRangeException.ThrowIfLessThan(reminderHoursBefore, 1);
        CancellationCutoff = TimeSpan.FromHours(cancellationCutoffHours);
        ReminderLead = TimeSpan.FromHours(reminderHoursBefore);
    }

    public TimeSpan CancellationCutoff { get; }

    public TimeSpan ReminderLead { get; }

    public DateTimeOffset ChangeableUntil(DateTimeOffset startUtc) => startUtc - CancellationCutoff;

    public bool CanChange(DateTimeOffset startUtc, DateTimeOffset now) => now < ChangeableUntil(startUtc);

    // A move may only go where the patient could still change it: the same cut-off, seen from the new time.
    public DateTimeOffset ChangeableStartsAfter(DateTimeOffset now) => now + CancellationCutoff;

    // One booked closer to its start than the reminder's lead was just confirmed by email and needs none.
    public bool IsReminded(DateTimeOffset startUtc, DateTimeOffset scheduledAt) => startUtc - ReminderLead >= scheduledAt;

    public bool IsReminderDue(DateTimeOffset startUtc, DateTimeOffset now) => now >= startUtc - ReminderLead && now < startUtc;
}
