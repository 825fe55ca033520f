using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Dentistimo.Web.Infrastructure;

public sealed class BookingAttemptLimitOptions
{
    public const string SectionName = "BookingAttempts";

    /// <summary>Booking requests one client address may send in a row; a family booking together fits.</summary>
    [Range(1, int.MaxValue)]
    public int BurstPerClient { get; set; } = 10;

    /// <summary>How fast a client's allowance comes back once spent.</summary>
    [Range(1, 60_000)]
    public int PerClientPerMinute { get; set; } = 2;

    /// <summary>How often one more request comes back to a client's allowance.</summary>
    public TimeSpan ReplenishmentPeriod => TimeSpan.FromMinutes(1) / PerClientPerMinute;
}

/// <summary>
/// R4.3 per patient: how many booking requests one client address may send through the form. BookingApi limits its
/// callers, but its only caller is the web, so patients can be told apart only here. A form with invalid fields is
/// answered before it counts. Each replica counts on its own: with N replicas a client may get up to N times as far,
/// which still stops a script from booking a clinic's whole week.
/// </summary>
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

    /// <returns>Null when the request may go to BookingApi; otherwise how long the client should wait.</returns>
    public TimeSpan? TryAcquire(IPAddress? client)
    {
        using var lease = _limiter.AttemptAcquire(ClientKey(client));
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : options.Value.ReplenishmentPeriod;
    }

    /// <summary>
    /// An IPv6 client counts by its /64 network: a household or a phone is given a whole /64 and could take a new
    /// address for every request.
    /// </summary>
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
