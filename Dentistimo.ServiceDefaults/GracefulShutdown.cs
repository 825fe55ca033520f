using Dentistimo.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

internal static class GracefulShutdown
{
    public static void AddGracefulShutdown(this IHostApplicationBuilder builder)
    {
        var shutdown = builder.AddValidatedOptions<ShutdownOptions>(ShutdownOptions.SectionName);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = shutdown.Timeout);
    }
}
