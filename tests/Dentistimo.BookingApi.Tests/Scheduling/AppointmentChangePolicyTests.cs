using Dentistimo.BookingApi.Model.Scheduling;

namespace Dentistimo.BookingApi.Tests.Scheduling;

public class AppointmentChangePolicyTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-09-07T07:00Z");

    [Fact]
    public void Changes_stop_the_cutoff_before_the_start()
    {
        var policy = new AppointmentChangePolicy(cancellationCutoffHours: 24);

        Assert.Equal(Start.AddHours(-24), policy.ChangeableUntil(Start));
        Assert.True(policy.CanChange(Start, Start.AddHours(-24).AddTicks(-1)));
        Assert.False(policy.CanChange(Start, Start.AddHours(-24)));
        Assert.False(policy.CanChange(Start, Start.AddHours(1)));
    }

    [Fact]
    public void A_move_goes_only_to_a_time_that_could_still_be_changed_afterwards()
    {
        var policy = new AppointmentChangePolicy(cancellationCutoffHours: 24);
        var now = Start.AddDays(-3);

        Assert.Equal(now.AddHours(24), policy.ChangeableStartsAfter(now));
        Assert.False(policy.CanChange(policy.ChangeableStartsAfter(now), now));
        Assert.True(policy.CanChange(policy.ChangeableStartsAfter(now).AddTicks(1), now));
    }

    [Fact]
    public void A_cutoff_of_zero_allows_changes_until_the_start_and_not_after()
    {
        var policy = new AppointmentChangePolicy(cancellationCutoffHours: 0);

        Assert.True(policy.CanChange(Start, Start.AddMinutes(-1)));
        Assert.False(policy.CanChange(Start, Start));
    }

    [Fact]
    public void A_reminder_is_due_from_its_lead_before_the_start_until_the_start()
    {
        var policy = new AppointmentChangePolicy(reminderHoursBefore: 24);

        Assert.False(policy.IsReminderDue(Start, Start.AddHours(-24).AddTicks(-1)));
        Assert.True(policy.IsReminderDue(Start, Start.AddHours(-24)));
        Assert.True(policy.IsReminderDue(Start, Start.AddMinutes(-1)));
        Assert.False(policy.IsReminderDue(Start, Start));
    }

    [Fact]
    public void An_appointment_booked_or_moved_inside_the_reminder_lead_is_not_reminded()
    {
        var policy = new AppointmentChangePolicy(reminderHoursBefore: 24);

        Assert.True(policy.IsReminded(Start, scheduledAt: Start.AddDays(-3)));
        Assert.True(policy.IsReminded(Start, scheduledAt: Start.AddHours(-24)));
        Assert.False(policy.IsReminded(Start, scheduledAt: Start.AddHours(-23)));
    }

    [Fact]
    public void A_negative_cutoff_or_a_reminder_lead_under_an_hour_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AppointmentChangePolicy(cancellationCutoffHours: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AppointmentChangePolicy(reminderHoursBefore: 0));
    }
}
