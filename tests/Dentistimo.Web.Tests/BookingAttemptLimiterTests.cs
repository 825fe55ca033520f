using System.Net;
using Dentistimo.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace Dentistimo.Web.Tests;

public class BookingAttemptLimiterTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    public void Clients_count_by_address_and_IPv6_clients_by_their_network(string address, string key) =>
        Assert.Equal(key, BookingAttemptLimiter.ClientKey(IPAddress.Parse(address)));

    [Fact]
    public void A_client_gets_its_burst_then_a_time_to_wait_while_others_go_on()
    {
        using var limiter = new BookingAttemptLimiter(Options.Create(new BookingAttemptLimitOptions { BurstPerClient = 3, PerClientPerMinute = 2 }));
        var client = IPAddress.Parse("203.0.113.7");

        var answers = Enumerable.Range(0, 4).Select(_ => limiter.TryAcquire(client)).ToList();

        Assert.Equal([null, null, null], answers.Take(3));
        Assert.InRange(answers[3]!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        Assert.Null(limiter.TryAcquire(IPAddress.Parse("203.0.113.8")));
    }
}
