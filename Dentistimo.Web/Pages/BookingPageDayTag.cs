using System.Globalization;
using Microsoft.AspNetCore.OutputCaching;

namespace Dentistimo.Web.Pages;

// Tags a cached booking page with its clinic and day, so that a decision can evict the copies rendered before it.
public sealed class BookingPageDayTag : IOutputCachePolicy
{
    public static string For(int clinicId, DateOnly date) => $"book:{clinicId}:{date:yyyy-MM-dd}";

    // Parsed as the page parses them, so that every spelling of one clinic-day (clinic=01, say) carries its tag.
    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var query = context.HttpContext.Request.Query;
        if (int.TryParse(query["clinic"], NumberStyles.None, CultureInfo.InvariantCulture, out var clinicId)
            && DateOnly.TryParseExact(query["date"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            context.Tags.Add(For(clinicId, date));
        }

        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;
}
