using System.Globalization;
using Microsoft.AspNetCore.OutputCaching;

namespace Dentistimo.BookingApi.Apis;

/// <summary>
/// A day's availability is read far more often than it changes, so each replica keeps the rendered answer
/// (<see cref="ClinicsApi.DayAvailabilityCachePolicy"/>) for as long as it keeps the day's seats in memory. The tag
/// names the clinic-day, so that this replica's own booking evicts it at once (<see cref="Infrastructure.AvailabilityCache.Invalidate"/>).
/// </summary>
public sealed class DayAvailabilityTagPolicy : IOutputCachePolicy
{
    public static string Tag(int clinicId, DateOnly date) => string.Create(CultureInfo.InvariantCulture, $"availability:{clinicId}:{date:yyyy-MM-dd}");

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var request = context.HttpContext.Request;
        if (int.TryParse(request.RouteValues["clinicId"] as string, CultureInfo.InvariantCulture, out var clinicId)
            && DateOnly.TryParseExact(request.Query["date"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            context.Tags.Add(Tag(clinicId, date));
        }

        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;
}
