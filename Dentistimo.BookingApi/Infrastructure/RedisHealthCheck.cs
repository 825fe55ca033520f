using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Dentistimo.BookingApi.Infrastructure;

/// <summary>Timeouts are short: Redis is an optimisation, and every read can go to PostgreSQL instead.</summary>
internal static class RedisTimeouts
{
    public static readonly TimeSpan Command = TimeSpan.FromSeconds(1);

    // StackExchange.Redis checks for timed-out commands this often, so they may overrun by up to this.
    private static readonly TimeSpan s_heartbeat = TimeSpan.FromMilliseconds(250);

    public static void Configure(ConfigurationOptions options)
    {
        // A Redis that is down at start leaves a multiplexer that reconnects in the background.
        options.AbortOnConnectFail = false;
        // Connected while the host starts: a Redis that is down delays the start by this.
        options.ConnectTimeout = 2_000;
        options.HeartbeatInterval = s_heartbeat;
        options.SyncTimeout = (int)Command.TotalMilliseconds;
        options.AsyncTimeout = (int)(Command - s_heartbeat).TotalMilliseconds;
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            // Degraded, not unhealthy: availability reads fall back to PostgreSQL and bookings never wait for Redis.
            return HealthCheckResult.Degraded("Redis (cache) is unreachable: not connected.");
        }

        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (TimeoutException)
        {
            return HealthCheckResult.Degraded($"Redis (cache) does not answer within {RedisTimeouts.Command.TotalSeconds:0.#} s.");
        }
        catch (RedisException exception)
        {
            return HealthCheckResult.Degraded($"Redis (cache) is unreachable: {exception.Message}");
        }
    }
}
