using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Dentistimo service shares: telemetry, health endpoints, configuration conventions, a shutdown timeout
/// and resilient service-to-service HTTP. It follows the conventions of Aspire's service defaults without
/// depending on Aspire's packages, so a service behaves the same under the AppHost, the local launcher and tests.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string LivenessTag = "live";
    public const string ReadinessTag = "ready";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        StartupFailure.ReportConfigurationErrorsWithoutStackTrace();

        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddGracefulShutdown();

        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceResilience());
        // Every service has a MassTransit bus, which by default posts its host, endpoints and queue names to
        // MassTransit's authors at start (and logs a stack trace where it cannot): this system's topology is not theirs.
        builder.Services.Configure<UsageTelemetryOptions>(options => options.Enabled = false);

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LivenessTag]);
        return builder;
    }

    /// <summary>
    /// <c>/alive</c> answers while the process runs; <c>/health</c> also asks every server the service depends on.
    /// Both are mapped in every environment: the launcher, the AppHost and container probes all rely on them.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync })
            .DisableHttpMetrics();
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LivenessTag) })
            .DisableHttpMetrics();
        return app;
    }
}
