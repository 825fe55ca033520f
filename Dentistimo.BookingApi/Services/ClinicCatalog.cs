using System.Collections.Frozen;
using Dentistimo.BookingApi.Infrastructure;
using Dentistimo.BookingApi.Model;
using Dentistimo.BookingApi.Model.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace Dentistimo.BookingApi.Services;

public sealed record ClinicEntry(Clinic Clinic, ClinicSchedule Schedule);

/// <summary>Every read and decision needs the registry, and it rarely changes, so it is held in memory.</summary>
public sealed class ClinicCatalog(IServiceScopeFactory scopeFactory, TimeProvider timeProvider)
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _reloading = new(1, 1);

    // One reference to an immutable snapshot, so a reader never sees clinics from one load and a time from another.
    private Snapshot? _snapshot;

    private sealed record Snapshot(FrozenDictionary<int, ClinicEntry> Clinics, DateTimeOffset LoadedAt);

    public async Task<IReadOnlyCollection<ClinicEntry>> GetAllAsync(CancellationToken cancellationToken) =>
        (await GetClinicsAsync(cancellationToken)).Values;

    public async Task<ClinicEntry?> FindAsync(int clinicId, CancellationToken cancellationToken) =>
        (await GetClinicsAsync(cancellationToken)).GetValueOrDefault(clinicId);

    private async Task<FrozenDictionary<int, ClinicEntry>> GetClinicsAsync(CancellationToken cancellationToken)
    {
        if (IsFresh(_snapshot))
        {
            return _snapshot!.Clinics;
        }

        await _reloading.WaitAsync(cancellationToken);
        try
        {
            if (IsFresh(_snapshot))
            {
                return _snapshot!.Clinics;
            }

            await using var scope = scopeFactory.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
            var clinics = await db.Clinics.AsNoTracking().ToListAsync(cancellationToken);
            var loaded = clinics.ToFrozenDictionary(c => c.Id, c => new ClinicEntry(c, c.ToSchedule()));
            // Empty only between migrating and seeding: kept, it would hide every clinic for a while.
            if (loaded.Count > 0)
            {
                _snapshot = new Snapshot(loaded, timeProvider.GetUtcNow());
            }

            return loaded;
        }
        finally
        {
            _reloading.Release();
        }
    }

    private bool IsFresh(Snapshot? snapshot) => snapshot is not null && timeProvider.GetUtcNow() - snapshot.LoadedAt < RefreshInterval;
}
