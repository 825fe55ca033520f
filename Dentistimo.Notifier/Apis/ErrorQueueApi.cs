using Dentistimo.Notifier.Apis;
using System.Security.Cryptography;
using System.Text;
using Dentistimo.Notifier.IntegrationEvents;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// A bearer key rather than a cookie: a browser cannot send that header cross-site without a preflight, never granted.
/// </summary>
public static class ErrorQueueApi
{
    public static IEndpointRouteBuilder MapErrorQueueApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/admin/error-queue/redrive", async (ErrorQueueRedrive redrive, CancellationToken cancellationToken) =>
                TypedResults.Ok(new { moved = await redrive.MoveBackAsync(cancellationToken) }))
            .AddEndpointFilter(RequireAdminKey);
        return app;
    }

    private static async ValueTask<object?> RequireAdminKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = context.HttpContext.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey;
        var presented = context.HttpContext.Request.Headers.Authorization.ToString() is { } header
            && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
        // No key configured means no operator access at all, not open access.
        return expected is { Length: > 0 }
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected))
                ? await next(context)
                : TypedResults.Unauthorized();
    }
}
