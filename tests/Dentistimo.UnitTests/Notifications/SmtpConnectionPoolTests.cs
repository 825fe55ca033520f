using Dentistimo.Notifier.Email;

namespace Dentistimo.UnitTests.Notifications;

public sealed class SmtpConnectionPoolTests
{
    private static readonly SmtpSettings s_settings = new("127.0.0.1", 25, false, null, null);
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_client_whose_email_went_through_serves_the_next_one()
    {
        using var pool = new SmtpConnectionPool(s_settings, new ManualClock());
        var first = pool.Rent(s_timeout);
        pool.Return(first, succeeded: true);

        var second = pool.Rent(s_timeout);

        Assert.False(first.Reused);
        Assert.True(second.Reused);
        Assert.Same(first.Client, second.Client);
    }

    [Fact]
    public void A_client_whose_email_failed_is_closed_rather_than_reused()
    {
        using var pool = new SmtpConnectionPool(s_settings, new ManualClock());
        var first = pool.Rent(s_timeout);
        pool.Return(first, succeeded: false);

        var second = pool.Rent(s_timeout);

        Assert.False(second.Reused);
        Assert.NotSame(first.Client, second.Client);
    }

    [Fact]
    public void A_connection_idle_for_longer_than_servers_allow_is_not_reused()
    {
        var clock = new ManualClock();
        using var pool = new SmtpConnectionPool(s_settings, clock);
        pool.Return(pool.Rent(s_timeout), succeeded: true);

        clock.Advance(SmtpConnectionPool.MaxIdleTime);

        Assert.False(pool.Rent(s_timeout).Reused);
    }

    [Fact]
    public void Emails_sent_at_once_each_get_a_client_of_their_own()
    {
        using var pool = new SmtpConnectionPool(s_settings, new ManualClock());
        pool.Return(pool.Rent(s_timeout), succeeded: true);

        var first = pool.Rent(s_timeout);
        var second = pool.Rent(s_timeout);

        Assert.NotSame(first.Client, second.Client);
        Assert.False(second.Reused);
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
