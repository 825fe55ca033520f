using System.Globalization;
using Dentistimo.BookingApi.Infrastructure;
using Microsoft.AspNetCore.OutputCaching;

namespace Dentistimo.BookingApi.Apis;

/// <summary>
/// A day's availability is read far more often than it changes, so each replica keeps the rendered answer
/// (<see cref="ClinicsApi.DayAvailabilityCachePolicy"/>) for as long as it keeps the day's seats in memory. The answer's
/// key names the day's last change on this replica (<see cref="AvailabilityCache.LastChangeOf"/>), so once a booking
/// changed the day, no answer to a request that began before it is found again, not even one stored after the booking.
/// </summary>
public sealed class DayAvailabilityVersionPolicy : IOutputCachePolicy
{
    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var request = context.HttpContext.Request;
        if (int.TryParse(request.RouteValues["clinicId"] as string, CultureInfo.InvariantCulture, out var clinicId)
            && DateOnly.TryParseExact(request.Query["date"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var lastChange = context.HttpContext.RequestServices.GetRequiredService<AvailabilityCache>().LastChangeOf(clinicId, date);
            context.CacheVaryByRules.VaryByValues["changed"] = lastChange.ToString(CultureInfo.InvariantCulture);
        }

        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;
}
