namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>
/// When a patient may still cancel or move an appointment online, and when it is reminded. Past the cut-off the clinic
/// has planned the chair, so the patient calls it instead.
/// </summary>
public sealed class AppointmentChangePolicy
{
    public const int DefaultCancellationCutoffHours = 24;
    public const int DefaultReminderHoursBefore = 24;

    /// <param name="cancellationCutoffHours">How long before the start changes stop; 0 allows them until the start.</param>
    /// <param name="reminderHoursBefore">How long before the start the reminder goes out.</param>
    public AppointmentChangePolicy(int cancellationCutoffHours = DefaultCancellationCutoffHours, int reminderHoursBefore = DefaultReminderHoursBefore)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cancellationCutoffHours);
        ArgumentOutOfRangeException.ThrowIfLessThan(reminderHoursBefore, 1);
        CancellationCutoff = TimeSpan.FromHours(cancellationCutoffHours);
        ReminderLead = TimeSpan.FromHours(reminderHoursBefore);
    }

    public TimeSpan CancellationCutoff { get; }

    public TimeSpan ReminderLead { get; }

    /// <summary>The last instant (exclusive) an appointment starting at <paramref name="startUtc"/> can be cancelled or moved online.</summary>
    public DateTimeOffset ChangeableUntil(DateTimeOffset startUtc) => startUtc - CancellationCutoff;

    public bool CanChange(DateTimeOffset startUtc, DateTimeOffset now) => now < ChangeableUntil(startUtc);

    /// <summary>
    /// Whether an appointment booked (or last moved) at <paramref name="scheduledAt"/> gets a reminder at all: one made
    /// closer to its start than the reminder's lead has just been confirmed by email, and needs none.
    /// </summary>
    public bool IsReminded(DateTimeOffset startUtc, DateTimeOffset scheduledAt) => startUtc - ReminderLead >= scheduledAt;

    /// <summary>Whether its reminder is due at <paramref name="now"/>; never once it has started.</summary>
    public bool IsReminderDue(DateTimeOffset startUtc, DateTimeOffset now) => now >= startUtc - ReminderLead && now < startUtc;
}
