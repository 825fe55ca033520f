using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Dentistimo.Web.Infrastructure;

public sealed class BookingAttemptLimitOptions
{
    public const string SectionName = "BookingAttempts";

    // A family booking together fits.
    [Range(1, int.MaxValue)]
    public int BurstPerClient { get; set; } = 10;

    [Range(1, 60_000)]
    public int PerClientPerMinute { get; set; } = 2;

    public TimeSpan ReplenishmentPeriod => TimeSpan.FromMinutes(1) / PerClientPerMinute;
}

// BookingApi's only caller is the web, so patients can be told apart only here. Each replica counts on its own, which
// still stops a script from booking a clinic's whole week (docs/threat-model.md).
public sealed class BookingAttemptLimiter(IOptions<BookingAttemptLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.BurstPerClient,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = options.Value.ReplenishmentPeriod,
            QueueLimit = 0,
        }));

    // Null when the request may go on; otherwise how long the client should wait.
    public TimeSpan? TryAcquire(IPAddress? client)
    {
        using var lease = _limiter.AttemptAcquire(ClientKey(client));
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : options.Value.ReplenishmentPeriod;
    }

    // An IPv6 client counts by its /64: a household is given a whole /64 and could take a new address per request.
    public static string ClientKey(IPAddress? client)
    {
        if (client is null)
        {
            return "unknown";
        }

        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        if (client.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return client.ToString();
        }

        var network = client.GetAddressBytes();
        Array.Clear(network, 8, 8);
        return $"{new IPAddress(network)}/64";
    }

    public void Dispose() => _limiter.Dispose();
}
