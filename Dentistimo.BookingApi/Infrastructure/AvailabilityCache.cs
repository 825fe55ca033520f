using System.Text.Json;
using Dentistimo.BookingApi.Services;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Dentistimo.BookingApi.Infrastructure;

/// <summary>
/// Booked seats per slot for one clinic and Stockholm date, keyed by the slot's start in Unix seconds.
/// Slots without bookings are absent.
/// </summary>
public sealed class BookedSeats(IReadOnlyDictionary<long, int> bySlotStart)
{
    public static BookedSeats None { get; } = new(new Dictionary<long, int>());

    public IReadOnlyDictionary<long, int> BySlotStart { get; } = bySlotStart;

    public int For(DateTimeOffset slotStartUtc) => BySlotStart.GetValueOrDefault(slotStartUtc.ToUnixTimeSeconds());
}

/// <summary>
/// Redis holds one key per clinic and day. A booking deletes its day's key right after it commits, so the next read
/// refills it from PostgreSQL; the key's time to live bounds how stale a day can be if that delete is ever lost.
/// Redis is an optimisation only: every method degrades to "not cached" while Redis is unreachable.
/// </summary>
public sealed class AvailabilityCache(RedisConnection redis, IOptions<BookingOptions> options, ILogger<AvailabilityCache> logger)
{
    private readonly TimeSpan _timeToLive = TimeSpan.FromSeconds(options.Value.AvailabilityCacheSeconds);
    private readonly string _keyPrefix = options.Value.CacheKeyPrefix;

    public string Key(int clinicId, DateOnly date) => $"{_keyPrefix}availability:{clinicId}:{date:yyyy-MM-dd}";

    /// <summary>The cached days, in the order asked; null where the day is not cached or Redis is unreachable.</summary>
    public async Task<BookedSeats?[]> GetAsync(IReadOnlyList<(int ClinicId, DateOnly Date)> days)
    {
        var cached = new BookedSeats?[days.Count];
        if (!redis.IsConnected)
        {
            return cached;
        }

        try
        {
            var values = await redis.Database.StringGetAsync(days.Select(day => (RedisKey)Key(day.ClinicId, day.Date)).ToArray());
            for (var i = 0; i < values.Length; i++)
            {
                cached[i] = values[i].HasValue
                    ? new BookedSeats(JsonSerializer.Deserialize<Dictionary<long, int>>((string)values[i]!)!)
                    : null;
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            logger.LogDebug(exception, "Availability cache read failed; reading PostgreSQL instead");
        }

        return cached;
    }

    public async Task SetAsync(int clinicId, DateOnly date, BookedSeats seats)
    {
        if (!redis.IsConnected)
        {
            return;
        }

        try
        {
            await redis.Database.StringSetAsync(Key(clinicId, date), JsonSerializer.Serialize(seats.BySlotStart), _timeToLive);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            logger.LogDebug(exception, "Availability cache write failed");
        }
    }

    public async Task InvalidateAsync(int clinicId, DateOnly date)
    {
        try
        {
            await redis.Database.KeyDeleteAsync(Key(clinicId, date));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            logger.LogWarning("Availability cache for clinic {ClinicId} on {Date} could not be invalidated; it expires within {TimeToLive}",
                clinicId, date, _timeToLive);
        }
    }
}
