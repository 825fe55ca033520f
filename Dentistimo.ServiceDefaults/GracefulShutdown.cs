using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class GracefulShutdown
{
    public const string TimeoutKey = "Shutdown:Timeout";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(25);

    public static TimeSpan GetShutdownTimeout(this IConfiguration configuration) =>
        configuration.GetValue(TimeoutKey, DefaultTimeout);

    internal static void AddGracefulShutdown(this IHostApplicationBuilder builder)
    {
        // Below the 30 s after which container platforms kill a process on SIGTERM (.NET's default equals it).
        var timeout = builder.Configuration.GetShutdownTimeout();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = timeout);
    }
}
