using Dentistimo.Notifier.Email;

namespace Dentistimo.Notifier.Tests;

public sealed class BookingEmailOrderTests
{
    private static readonly Guid s_booking = Guid.NewGuid();

    [Theory]
    [InlineData(BookingEmailOrder.ConfirmationSequence)]
    [InlineData(1)]
    [InlineData(5)]
    public void A_cancellation_sent_supersedes_every_email_about_the_booking(int calendarSequence)
    {
        var email = new BookingEmailOrder(s_booking, calendarSequence);

        Assert.True(email.IsSupersededBy(EmailKind.Cancellation, sentCalendarSequence: 1));
        Assert.True(email.IsSupersededBy(EmailKind.Cancellation, sentCalendarSequence: calendarSequence));
    }

    [Fact]
    public void A_later_calendar_sequence_supersedes_an_earlier_one_and_not_the_same_or_a_later_one()
    {
        var confirmation = new BookingEmailOrder(s_booking, BookingEmailOrder.ConfirmationSequence);
        var secondMove = new BookingEmailOrder(s_booking, 2);

        Assert.True(confirmation.IsSupersededBy(EmailKind.Move, sentCalendarSequence: 1));
        Assert.True(secondMove.IsSupersededBy(EmailKind.Move, sentCalendarSequence: 3));
        Assert.True(secondMove.IsSupersededBy(EmailKind.Reminder, sentCalendarSequence: 3));
        // A reminder about the time the move set does not make the move's email out of date, nor the other way round.
        Assert.False(secondMove.IsSupersededBy(EmailKind.Reminder, sentCalendarSequence: 2));
        Assert.False(secondMove.IsSupersededBy(EmailKind.Move, sentCalendarSequence: 1));
        Assert.False(secondMove.IsSupersededBy(EmailKind.Confirmation, BookingEmailOrder.ConfirmationSequence));
    }
}
