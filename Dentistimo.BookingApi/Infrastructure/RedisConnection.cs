using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Dentistimo.BookingApi.Infrastructure;

/// <summary>
/// One multiplexer for the process. It does not abort when Redis is down at start:
/// it keeps reconnecting in the background, and callers fall back to PostgreSQL meanwhile.
/// </summary>
public sealed class RedisConnection : IDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _multiplexer;

    public RedisConnection(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2_000;
        options.SyncTimeout = 1_000;
        _multiplexer = new(() =>
        {
            var multiplexer = ConnectionMultiplexer.Connect(options);
            // 1.x completes every awaiting caller in order on one thread by default, which serialises all cache reads.
#pragma warning disable CS0618 // Obsolete only in 2.x, where the behaviour is gone.
            multiplexer.PreserveAsyncOrder = false;
#pragma warning restore CS0618
            return multiplexer;
        });
    }

    public IDatabase Database => _multiplexer.Value.GetDatabase();

    public bool IsConnected => _multiplexer.Value.IsConnected;

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated)
        {
            _multiplexer.Value.Dispose();
        }
    }
}

internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.Database.PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Degraded, not unhealthy: availability reads fall back to PostgreSQL and bookings never use Redis.
            return HealthCheckResult.Degraded($"Redis (cache) is unreachable: {exception.Message}");
        }
    }
}
