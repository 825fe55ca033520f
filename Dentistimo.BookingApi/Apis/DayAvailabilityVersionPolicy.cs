using System.Globalization;
using Dentistimo.BookingApi.Infrastructure;
using Microsoft.AspNetCore.OutputCaching;

namespace Dentistimo.BookingApi.Apis;

/// <summary>
/// The key names the day's last change on this replica, so no answer rendered before a booking is served after it, not
/// even one stored after it.
/// </summary>
/// <remarks>The output cache makes one from the application's services, so a cached answer needs no request scope.</remarks>
public sealed class DayAvailabilityVersionPolicy(AvailabilityCache cache) : IOutputCachePolicy
{
    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var request = context.HttpContext.Request;
        if (int.TryParse(request.RouteValues["clinicId"] as string, CultureInfo.InvariantCulture, out var clinicId)
            && DateOnly.TryParseExact(request.Query["date"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            context.CacheVaryByRules.VaryByValues["changed"] = cache.LastChangeOf(clinicId, date).ToString(CultureInfo.InvariantCulture);
        }

        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;
}
