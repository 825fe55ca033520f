using Dentistimo.Notifier.IntegrationEvents;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Operator endpoints. The notifier has no public ingress (only the web app does), and re-driving sends no email the
/// ledger knows was sent, so the worst an unwelcome caller inside the network can do is make failed messages retry.
/// </summary>
public static class ErrorQueueApi
{
    public static IEndpointRouteBuilder MapErrorQueueApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/admin/error-queue/redrive", async (ErrorQueueRedrive redrive, CancellationToken cancellationToken) =>
            TypedResults.Ok(new { moved = await redrive.MoveBackAsync(cancellationToken) }));
        return app;
    }
}
