using System.Net;
using Dentistimo.ServiceDefaults;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Polly;

namespace Microsoft.Extensions.Hosting;

public static class ServiceDefaultsExtensions
{
    public const string LivenessTag = "live";
    public const string ReadinessTag = "ready";

    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    private const string DentistimoSourcePattern = "Dentistimo.*";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        StartupFailure.ReportConfigurationErrorsWithoutStackTrace();

        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddGracefulShutdown();

        builder.Services.AddProblemDetails();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler(ConfigureResilience);
            http.AddServiceDiscovery();
        });
        // Otherwise MassTransit posts this system's host and queue names to its authors at start.
        builder.Services.Configure<UsageTelemetryOptions>(options => options.Enabled = false);

        return builder;
    }

    // service.name and service.instance.id come from the OTEL_* variables; setting them here would override those.
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(DentistimoSourcePattern, "MassTransit", "Microsoft.EntityFrameworkCore"))
            .WithTracing(tracing => tracing
                .AddSource(DentistimoSourcePattern, "MassTransit")
                .AddAspNetCoreInstrumentation(aspNetCore =>
                {
                    aspNetCore.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath);
                    // A query may carry what a patient typed: spans keep the path only.
                    aspNetCore.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.query", null);
                })
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LivenessTag]);
        return builder;
    }

    // Mapped in every environment: the AppHost and container probes rely on them.
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // MapHealthChecks' pipeline, with the answer for a service still starting in front of it.
        var readiness = ((IEndpointRouteBuilder)app).CreateApplicationBuilder()
            .Use(AnswerWhileStartingAsync)
            .UseMiddleware<HealthCheckMiddleware>(new OptionsWrapper<HealthCheckOptions>(new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync }))
            .Build();
        app.Map(HealthEndpointPath, readiness).WithDisplayName("Health checks").DisableHttpMetrics();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LivenessTag) })
            .DisableHttpMetrics();
        return app;
    }

    private static async Task AnswerWhileStartingAsync(HttpContext context, RequestDelegate next)
    {
        var starting = context.RequestServices.GetServices<IStartupWork>()
            .Where(work => work.StillRunningMessage is not null)
            .ToDictionary(work => work.Name, work => new HealthReportEntry(HealthStatus.Unhealthy, work.StillRunningMessage, TimeSpan.Zero, null, null));
        if (starting.Count == 0)
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.CacheControl = "no-store, no-cache";
        await HealthReportWriter.WriteAsync(context, new HealthReport(starting, TimeSpan.Zero));
    }

    private static void ConfigureResilience(HttpStandardResilienceOptions options)
    {
        options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
        options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);

        options.Retry.ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome));
        options.Retry.MaxRetryAttempts = 3;
        options.Retry.BackoffType = DelayBackoffType.Exponential;
        options.Retry.UseJitter = true;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        // BookingApi's 503 asks for 5 s; a page would rather try again at once and show "try again later" sooner.
        options.Retry.ShouldRetryAfterHeader = false;

        options.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome));
        options.CircuitBreaker.FailureRatio = 0.5;
        options.CircuitBreaker.MinimumThroughput = 20;
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
        options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(5);
    }

    // Not 429: that is the server asking for less traffic, and an immediate retry would add to the overload.
    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        HttpClientResiliencePredicates.IsTransient(outcome) && outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests;
}
