using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// OpenTelemetry without OpenTelemetry.Extensions.Hosting or the instrumentation packages (neither is in our package source):
/// .NET, ASP.NET Core, Npgsql, EF Core, MassTransit and RabbitMQ.Client all publish through System.Diagnostics
/// ActivitySources and Meters, so listening to them by name gives the same traces and metrics.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Our own sources and meters are named <c>Dentistimo.*</c>.</summary>
    public const string DentistimoSourcePattern = "Dentistimo.*";

    private static readonly string[] s_activitySources =
    [
        DentistimoSourcePattern,
        "Microsoft.AspNetCore",
        "System.Net.Http",
        "Npgsql",
        "MassTransit",
        "RabbitMQ.Client.*",
    ];

    private static readonly string[] s_meters =
    [
        DentistimoSourcePattern,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.RateLimiting",
        "System.Net.Http",
        "System.Runtime",
        "Npgsql",
        "Microsoft.EntityFrameworkCore",
        "MassTransit",
    ];

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // With nowhere to export to, listening would only cost every request its activities and measurements.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.ConfigureOpenTelemetryLoggerProvider(logging => logging
            .ConfigureResource(resource => resource.AddService(serviceName))
            .AddOtlpExporter());

        // OpenTelemetrySdk reads the OTEL_* environment variables itself (endpoint, protocol, headers, resource attributes).
        builder.Services.AddSingleton(_ => OpenTelemetrySdk.Create(otel => otel
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing.AddSource(s_activitySources))
            .WithMetrics(metrics => metrics.AddMeter(s_meters))
            .UseOtlpExporter()));
        builder.Services.AddHostedService<TelemetryStarter>();
        builder.Services.AddTransient<IStartupFilter, HttpSpanAttributes>();

        return builder;
    }

    /// <summary>Providers only listen once built; building them at start-up (and disposing them, which flushes, at shutdown) is this class's job.</summary>
    private sealed class TelemetryStarter(OpenTelemetrySdk sdk) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = sdk.TracerProvider;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
