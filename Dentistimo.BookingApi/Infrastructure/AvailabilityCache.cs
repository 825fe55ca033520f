using System.Collections.Concurrent;
using System.Text.Json;
using Dentistimo.BookingApi.Apis;
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
/// Two levels: Redis holds one key per clinic and day for every replica, and each replica keeps the days it read in
/// memory for a second (<see cref="BookingOptions.LocalAvailabilityCacheMilliseconds"/>), so the busiest days cost no
/// round trip at all; for that second it also keeps the day's rendered answer (<see cref="DayAvailabilityVersionPolicy"/>).
/// A booking invalidates its day right after it commits: it leaves a marker in Redis, and this replica's copies stop
/// counting (see remarks), so this replica's next read, and every replica's read after the second, refills it; Redis's
/// time to live bounds how stale a day can be if the marker is ever lost. Redis is an optimisation only: every method degrades to "not cached" while it is unreachable.
/// </summary>
/// <remarks>
/// A read that began before a booking committed may finish after it, and so may the storing of its rendered answer,
/// which ASP.NET Core does after the client already has the response. Deleting the day's copies at the booking cannot
/// stop such a late write. So each copy carries the <see cref="Changes"/> count from before it was read, and counts only
/// while no booking has changed its day since (<see cref="LastChangeOf"/>).
/// </remarks>
public sealed class AvailabilityCache(IConnectionMultiplexer redis, IOptions<BookingOptions> options, TimeProvider timeProvider, ILogger<AvailabilityCache> logger)
{
    /// <summary>Far more than the clinic-days anyone asks for within a second; past it, the memory level starts afresh.</summary>
    private const int MaxLocalDays = 10_000;

    /// <summary>
    /// What a booking leaves in its day's key instead of deleting it. A replica that read PostgreSQL just before the
    /// booking committed may write the day afterwards; it writes only where the key is absent, so the marker turns
    /// its stale copy away, which a plain delete would have let stand for the key's whole time to live.
    /// </summary>
    private const string Invalidated = "invalidated";

    /// <summary>Longer than a read of PostgreSQL takes from start to cache write, even under load.</summary>
    private static readonly TimeSpan s_invalidatedTimeToLive = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _timeToLive = TimeSpan.FromSeconds(options.Value.AvailabilityCacheSeconds);
    private readonly TimeSpan _localTimeToLive = TimeSpan.FromMilliseconds(options.Value.LocalAvailabilityCacheMilliseconds);
    private readonly string _keyPrefix = options.Value.CacheKeyPrefix;
    private readonly ConcurrentDictionary<(int ClinicId, DateOnly Date), (BookedSeats Seats, long CachedAt, long ReadFrom)> _local = new();

    /// <summary>One entry per clinic-day this replica has booked since it started: a few thousand a year.</summary>
    private readonly ConcurrentDictionary<(int ClinicId, DateOnly Date), long> _lastChanges = new();
    private long _changes;

    /// <summary>How many bookings this replica has seen change a day: take it before reading, and keep what was read with it.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>The <see cref="Changes"/> count at this replica's last booking on the day; 0 if none since it started.</summary>
    public long LastChangeOf(int clinicId, DateOnly date) => _lastChanges.GetValueOrDefault((clinicId, date));

    public string Key(int clinicId, DateOnly date) => $"{_keyPrefix}availability:{clinicId}:{date:yyyy-MM-dd}";

    /// <summary>The cached days, in the order asked; null where the day is not cached or Redis is unreachable.</summary>
    /// <param name="readFrom">The <see cref="Changes"/> count taken before this read.</param>
    public async Task<BookedSeats?[]> GetAsync(IReadOnlyList<(int ClinicId, DateOnly Date)> days, long readFrom)
    {
        var cached = new BookedSeats?[days.Count];
        var missing = new List<int>();
        for (var i = 0; i < days.Count; i++)
        {
            if (_local.TryGetValue(days[i], out var local)
                && timeProvider.GetElapsedTime(local.CachedAt) < _localTimeToLive
                && local.ReadFrom >= LastChangeOf(days[i].ClinicId, days[i].Date))
            {
                cached[i] = local.Seats;
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
                    cached[i] = new BookedSeats(JsonSerializer.Deserialize<Dictionary<long, int>>((string)values[m]!)!);
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

    /// <param name="readFrom">The <see cref="Changes"/> count taken before <paramref name="seats"/> were read.</param>
    /// <remarks>
    /// Sent without waiting for the reply (this replica's next command to Redis follows it on the same connection): a
    /// read that fills many days would otherwise wait out Redis's timeout once per day while Redis is silent.
    /// </remarks>
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

    /// <remarks>
    /// Called after a booking committed, before its answer: so it never waits for Redis. The marker
    /// (<see cref="Invalidated"/>) is sent without waiting for the reply (this replica's next command to Redis follows it
    /// on the same connection), and skipped while Redis is unreachable, where waiting out the connect timeout would delay
    /// the answer past the client's patience. One that is lost either way leaves the day stale for at most the key's
    /// time to live.
    /// </remarks>
    public void Invalidate(int clinicId, DateOnly date)
    {
        // Two bookings on one day may get here in either order: the day keeps the later count.
        var change = Interlocked.Increment(ref _changes);
        _lastChanges.AddOrUpdate((clinicId, date), change, (_, earlier) => Math.Max(earlier, change));
        _local.TryRemove((clinicId, date), out _);
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

    private void KeepLocally(int clinicId, DateOnly date, BookedSeats seats, long readFrom)
    {
        if (_local.Count >= MaxLocalDays)
        {
            _local.Clear();
        }

        _local[(clinicId, date)] = (seats, timeProvider.GetTimestamp(), readFrom);
    }
}
