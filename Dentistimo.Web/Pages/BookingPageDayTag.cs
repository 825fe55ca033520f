using Microsoft.AspNetCore.OutputCaching;

namespace Dentistimo.Web.Pages;

// Tags a cached booking page with its clinic and day, so that a decision can evict the copies rendered before it.
public sealed class BookingPageDayTag : IOutputCachePolicy
{
    public static string For(string? clinic, string? date) => $"book:{clinic}:{date}";

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var query = context.HttpContext.Request.Query;
        context.Tags.Add(For(query["clinic"], query["date"]));
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;
}
