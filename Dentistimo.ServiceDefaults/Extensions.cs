using System.Net;
using Dentistimo.ServiceDefaults;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Polly;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Dentistimo service shares, in the shape of Aspire's service defaults: OpenTelemetry, health endpoints,
/// service discovery and resilience on every HttpClient, plus configuration errors without a stack trace and a
/// shutdown timeout.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string LivenessTag = "live";
    public const string ReadinessTag = "ready";

    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>Our own sources and meters are named <c>Dentistimo.*</c>.</summary>
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
        // Every service has a MassTransit bus, which by default posts its host, endpoints and queue names to
        // MassTransit's authors at start (and logs a stack trace where it cannot): this system's topology is not theirs.
        builder.Services.Configure<UsageTelemetryOptions>(options => options.Enabled = false);

        return builder;
    }

    /// <remarks>
    /// The resource (service.name, service.instance.id) is left to the OTEL_* variables the AppHost and the launcher set:
    /// setting it here would override them.
    /// </remarks>
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

        // The exporter reads the other OTEL_* variables itself (protocol, headers, resource attributes).
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

    /// <summary>
    /// <c>/alive</c> answers while the process runs; <c>/health</c> also asks every server the service depends on.
    /// Both are mapped in every environment: the launcher, the AppHost and container probes all rely on them.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync })
            .DisableHttpMetrics();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LivenessTag) })
            .DisableHttpMetrics();
        return app;
    }

    /// <summary>Calls between our services: 30 s in all, 10 s an attempt, three retries 200 ms apart and growing, with jitter.</summary>
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
