using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Dentistimo.BookingApi.Infrastructure;

/// <summary>
/// One multiplexer for the process, connected in the background: until it is, <see cref="IsConnected"/> is false and
/// callers fall back to PostgreSQL, so no request ever waits for Redis to connect (StackExchange.Redis 1.x connects
/// synchronously, and a request that did so held a thread for seconds while Redis was slow to answer). It does not
/// abort when Redis is down at start: it keeps reconnecting in the background.
/// </summary>
public sealed class RedisConnection : IDisposable
{
    /// <summary>
    /// The longest any command waits for Redis before the caller reads PostgreSQL instead. StackExchange.Redis 1.x
    /// bounds only its synchronous calls (SyncTimeout); an async one waits as long as a connected Redis stays silent.
    /// </summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(1);

    private readonly Task<ConnectionMultiplexer> _connecting;

    public RedisConnection(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2_000;
        options.SyncTimeout = (int)CommandTimeout.TotalMilliseconds;
        _connecting = ConnectAsync(options);
    }

    /// <summary>Only once <see cref="IsConnected"/> has said so: before the first connection there is no database to give.</summary>
    public IDatabase Database => _connecting.IsCompletedSuccessfully
        ? _connecting.Result.GetDatabase()
        : throw new InvalidOperationException("Redis has not been connected to yet; ask IsConnected first.");

    public bool IsConnected => _connecting.IsCompletedSuccessfully && _connecting.Result.IsConnected;

    public void Dispose()
    {
        if (_connecting.IsCompletedSuccessfully)
        {
            _connecting.Result.Dispose();
        }
    }

    private static async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions options) =>
        await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
}

internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
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
            await redis.Database.PingAsync().WaitAsync(RedisConnection.CommandTimeout, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (TimeoutException)
        {
            return HealthCheckResult.Degraded($"Redis (cache) does not answer within {RedisConnection.CommandTimeout.TotalSeconds:0.#} s.");
        }
        catch (RedisException exception)
        {
            return HealthCheckResult.Degraded($"Redis (cache) is unreachable: {exception.Message}");
        }
    }
}
