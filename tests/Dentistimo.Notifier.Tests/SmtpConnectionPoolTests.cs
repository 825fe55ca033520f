using Dentistimo.Notifier.Email;

namespace Dentistimo.Notifier.Tests;

public sealed class SmtpConnectionPoolTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_connection_whose_email_went_through_serves_the_next_one()
    {
        await using var server = new ScriptedSmtpServer(_ => "250 ok");
        await using var pool = PoolFor(server, new ManualClock());
        var first = await pool.RentAsync(Timeout());
        pool.Return(first, succeeded: true);

        var second = await pool.RentAsync(Timeout());

        Assert.False(first.Reused);
        Assert.True(second.Reused);
        Assert.Same(first.Client, second.Client);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task A_connection_whose_email_failed_is_closed_rather_than_reused()
    {
        await using var server = new ScriptedSmtpServer(_ => "250 ok");
        await using var pool = PoolFor(server, new ManualClock());
        var first = await pool.RentAsync(Timeout());
        pool.Return(first, succeeded: false);

        var second = await pool.RentAsync(Timeout());

        Assert.False(first.Client.IsConnected);
        Assert.False(second.Reused);
        Assert.NotSame(first.Client, second.Client);
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task A_connection_idle_for_longer_than_servers_allow_is_closed_with_QUIT_and_not_reused()
    {
        await using var server = new ScriptedSmtpServer(_ => "250 ok");
        var clock = new ManualClock();
        await using var pool = PoolFor(server, clock);
        pool.Return(await pool.RentAsync(Timeout()), succeeded: true);

        clock.Advance(SmtpConnectionPool.MaxIdleTime);

        Assert.False((await pool.RentAsync(Timeout())).Reused);
        Assert.Equal(1, server.Quits);
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task Emails_sent_at_once_each_get_a_connection_of_their_own()
    {
        await using var server = new ScriptedSmtpServer(_ => "250 ok");
        await using var pool = PoolFor(server, new ManualClock());
        pool.Return(await pool.RentAsync(Timeout()), succeeded: true);

        var first = await pool.RentAsync(Timeout());
        var second = await pool.RentAsync(Timeout());

        Assert.NotSame(first.Client, second.Client);
        Assert.False(second.Reused);
    }

    [Fact]
    public async Task No_more_connections_are_open_than_emails_may_be_sent_at_once()
    {
        await using var server = new ScriptedSmtpServer(_ => "250 ok");
        await using var pool = PoolFor(server, new ManualClock(), maxConnections: 1);
        var first = await pool.RentAsync(Timeout());

        var second = pool.RentAsync(Timeout());
        await Task.Delay(200);
        Assert.False(second.IsCompleted);
        pool.Return(first, succeeded: true);

        Assert.Same(first.Client, (await second).Client);
        Assert.Equal(1, server.Connections);
    }

    private static SmtpConnectionPool PoolFor(ScriptedSmtpServer server, TimeProvider clock, int maxConnections = 4) =>
        new(new SmtpSettings("127.0.0.1", server.Port, StartTls: false, null, null), clock, maxConnections);

    private static CancellationToken Timeout() => new CancellationTokenSource(s_timeout).Token;

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
