using System.Net;
using Dentistimo.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dentistimo.Web.Tests;

/// <summary>Which address the per-client booking limit counts: the connection's, or a trusted proxy's X-Forwarded-For.</summary>
public class TrustedProxiesTests
{
    private static readonly Dictionary<string, string?> s_settings = new()
    {
        ["ForwardedHeaders:KnownProxies:0"] = "192.0.2.10",
        ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/23",
    };

    [Theory]
    // The configured proxy, or one in the configured network: the client is the entry the proxy wrote, the rightmost.
    [InlineData("192.0.2.10", "198.51.100.1", "198.51.100.1")]
    [InlineData("10.0.1.200", "198.51.100.1", "198.51.100.1")]
    [InlineData("10.0.1.200", "203.0.113.66, 198.51.100.1", "198.51.100.1")]
    [InlineData("10.0.1.200", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    // Anyone else's header is ignored: the client cannot choose what it is counted as.
    [InlineData("203.0.113.9", "198.51.100.1", "203.0.113.9")]
    [InlineData("10.0.2.1", "198.51.100.1", "10.0.2.1")]
    [InlineData("2001:db8:9:9::1", "198.51.100.1", "2001:db8:9:9::/64")]
    public async Task Clients_are_counted_by_a_trusted_proxy_s_X_Forwarded_For_and_otherwise_by_their_connection(
        string connectedFrom, string forwardedFor, string counted)
    {
        var options = new ForwardedHeadersOptions();
        TrustedProxies.Configure(options, new ConfigurationBuilder().AddInMemoryCollection(s_settings).Build().GetSection(TrustedProxies.SectionName));
        var middleware = new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, Options.Create(options));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(connectedFrom);
        context.Request.Headers["X-Forwarded-For"] = forwardedFor;

        await middleware.Invoke(context);

        Assert.Equal(counted, BookingAttemptLimiter.ClientKey(context.Connection.RemoteIpAddress));
    }

    [Fact]
    public async Task ASPNETCORE_FORWARDEDHEADERS_ENABLED_which_trusts_every_sender_is_overruled_by_the_configured_proxies()
    {
        // What the host does when that variable is true.
        var options = new ForwardedHeadersOptions();
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        TrustedProxies.Configure(options, new ConfigurationBuilder().AddInMemoryCollection(s_settings).Build().GetSection(TrustedProxies.SectionName));
        var middleware = new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, Options.Create(options));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.9");
        context.Request.Headers["X-Forwarded-For"] = "198.51.100.1";

        await middleware.Invoke(context);

        Assert.Equal("203.0.113.9", context.Connection.RemoteIpAddress.ToString());
    }

    [Theory]
    [InlineData("KnownProxies:0", "proxy.example")]
    [InlineData("KnownNetworks:0", "10.0.0.0")]
    public void A_proxy_that_is_not_an_address_or_network_stops_the_service_naming_the_setting(string key, string value)
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"ForwardedHeaders:{key}"] = value })
            .Build().GetSection(TrustedProxies.SectionName);

        var exception = Assert.Throws<Dentistimo.ServiceDefaults.ConfigurationException>(() => TrustedProxies.Configure(new ForwardedHeadersOptions(), section));

        Assert.Contains(value, exception.Message);
    }
}
