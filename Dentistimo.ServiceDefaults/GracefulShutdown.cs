using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// How long a service may take to shut down after SIGTERM: Kestrel stops accepting connections and lets the requests in
/// flight finish, and the hosted services stop (BookingApi's outbox dispatcher, MassTransit's bus), all within
/// <c>Shutdown:Timeout</c>; whatever still runs then is cancelled. Container platforms kill a container 30 s after
/// SIGTERM by default (Kubernetes, Azure Container Apps), so the default leaves the host time to dispose after stopping.
/// </summary>
public static class GracefulShutdown
{
    public const string TimeoutKey = "Shutdown:Timeout";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(25);

    public static TimeSpan GetShutdownTimeout(this IConfiguration configuration) =>
        configuration.GetValue(TimeoutKey, DefaultTimeout);

    internal static void AddGracefulShutdown(this IHostApplicationBuilder builder)
    {
        // Set explicitly: .NET's own default (30 s) equals the platforms' grace period, so the host would be killed
        // at the very moment it gives up waiting.
        var timeout = builder.Configuration.GetShutdownTimeout();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = timeout);
    }
}
