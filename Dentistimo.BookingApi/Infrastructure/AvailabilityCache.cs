using System.Collections.Concurrent;
using System.Text.Json;
using Dentistimo.BookingApi.Apis;
using Dentistimo.BookingApi.Services;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Dentistimo.BookingApi.Infrastructure;

/// <param name="Version">Raised by every change of the slot's seats (slot_bookings.version); 0 for a slot never booked.</param>
public readonly record struct SeatCount(int Booked, int Version);

/// <summary>Keyed by the slot's start in Unix seconds; slots without bookings are absent.</summary>
public sealed class BookedSeats(IReadOnlyDictionary<long, SeatCount> bySlotStart)
{
    public static BookedSeats None { get; } = new(new Dictionary<long, SeatCount>());

    public IReadOnlyDictionary<long, SeatCount> BySlotStart { get; } = bySlotStart;

    public SeatCount For(DateTimeOffset slotStartUtc) => BySlotStart.GetValueOrDefault(slotStartUtc.ToUnixTimeSeconds());
}

/// <summary>
/// Redis for every replica, and each replica's memory for a second (docs/architecture.md). A read that began before a
/// booking may store its copy after it, which no delete can stop; so each copy carries the <see cref="Changes"/> count
/// from before it was read, and counts only while no booking has changed its day since.
/// </summary>
public sealed class AvailabilityCache(IConnectionMultiplexer redis, IOptions<BookingOptions> options, ILogger<AvailabilityCache> logger) : IDisposable
{
    // Bounds this replica's memory: each entry is one clinic-day's booked seats.
    private const int MaxLocalDays = 10_000;

    // A booking writes this rather than deleting the key: a replica that read just before the booking writes only where
    // the key is absent, so the marker turns its stale copy away.
    private const string Invalidated = "invalidated";

    // Longer than a read of PostgreSQL takes from start to cache write, even under load.
    private static readonly TimeSpan s_invalidatedTimeToLive = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _timeToLive = TimeSpan.FromSeconds(options.Value.AvailabilityCacheSeconds);
    // Its own, not the application's IMemoryCache: a size limit there would make every other entry need a size.
    private readonly MemoryCache _local = new(new MemoryCacheOptions { SizeLimit = MaxLocalDays });
    private readonly MemoryCacheEntryOptions _localEntry = new()
    {
        Size = 1,
        AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(options.Value.LocalAvailabilityCacheMilliseconds),
    };
    private readonly string _keyPrefix = options.Value.CacheKeyPrefix;

    // One entry per clinic-day this replica has booked since it started: a few thousand a year.
    private readonly ConcurrentDictionary<(int ClinicId, DateOnly Date), long> _lastChanges = new();
    private long _changes;

    public long Changes => Interlocked.Read(ref _changes);

    public long LastChangeOf(int clinicId, DateOnly date) => _lastChanges.GetValueOrDefault((clinicId, date));

    public string Key(int clinicId, DateOnly date) => $"{_keyPrefix}availability:{clinicId}:{date:yyyy-MM-dd}";

    public async Task<BookedSeats?[]> GetAsync(IReadOnlyList<(int ClinicId, DateOnly Date)> days, long readFrom)
    {
        var cached = new BookedSeats?[days.Count];
        var missing = new List<int>();
        for (var i = 0; i < days.Count; i++)
        {
            if (_local.Get<LocalCopy>(days[i]) is { } copy
                && copy.ReadFrom >= LastChangeOf(days[i].ClinicId, days[i].Date))
            {
                cached[i] = copy.Seats;
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count == 0 || !redis.IsConnected)
        {
            return cached;
        }

        try
        {
            var values = await redis.GetDatabase().StringGetAsync(missing.Select(i => (RedisKey)Key(days[i].ClinicId, days[i].Date)).ToArray());
            for (var m = 0; m < values.Length; m++)
            {
                if (values[m].HasValue && values[m] != Invalidated)
                {
                    var i = missing[m];
                    cached[i] = new BookedSeats(JsonSerializer.Deserialize<Dictionary<long, SeatCount>>((string)values[m]!)!);
                    KeepLocally(days[i].ClinicId, days[i].Date, cached[i]!, readFrom);
                }
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or JsonException)
        {
            // A value that does not read (written by another version, say) is a miss too: PostgreSQL has the truth.
            logger.LogDebug(exception, "Availability cache read failed; reading PostgreSQL instead");
        }

        return cached;
    }

    // Not waiting for the reply: a read that fills many days would wait out the timeout per day while Redis is silent.
    public void Set(int clinicId, DateOnly date, BookedSeats seats, long readFrom)
    {
        if (readFrom < LastChangeOf(clinicId, date))
        {
            return; // read before a booking on this replica changed the day: nobody should see it again
        }

        KeepLocally(clinicId, date, seats, readFrom);
        if (!redis.IsConnected)
        {
            return;
        }

        try
        {
            redis.GetDatabase().StringSet(
                Key(clinicId, date), JsonSerializer.Serialize(seats.BySlotStart), _timeToLive, When.NotExists, CommandFlags.FireAndForget);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            logger.LogDebug(exception, "Availability cache write failed");
        }
    }

    // Called between a booking's commit and its answer, so it never waits for Redis; a marker lost leaves the day stale
    // for at most the key's time to live.
    public void Invalidate(int clinicId, DateOnly date)
    {
        // Two bookings on one day may get here in either order: the day keeps the later count.
        var change = Interlocked.Increment(ref _changes);
        _lastChanges.AddOrUpdate((clinicId, date), change, (_, earlier) => Math.Max(earlier, change));
        _local.Remove((clinicId, date));
        try
        {
            if (redis.IsConnected)
            {
                redis.GetDatabase().StringSet(Key(clinicId, date), Invalidated, s_invalidatedTimeToLive, When.Always, CommandFlags.FireAndForget);
                return;
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            logger.LogDebug(exception, "Availability cache invalidation failed");
        }

        logger.LogWarning("Availability cache for clinic {ClinicId} on {Date} could not be invalidated; it expires within {TimeToLive}",
            clinicId, date, _timeToLive);
    }

    private void KeepLocally(int clinicId, DateOnly date, BookedSeats seats, long readFrom) =>
        _local.Set((clinicId, date), new LocalCopy(seats, readFrom), _localEntry);

    public void Dispose() => _local.Dispose();

    private sealed record LocalCopy(BookedSeats Seats, long ReadFrom);
}
