using System.Globalization;
using Dentistimo.BookingApi.Infrastructure;
using Microsoft.AspNetCore.OutputCaching;

namespace Dentistimo.BookingApi.Apis;

/// <summary>
/// The key names the day's last change on this replica, so no answer rendered before a booking is served after it, not
/// even one stored after it.
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
