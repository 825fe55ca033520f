using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Dentistimo.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dentistimo.IntegrationTests;

/// <summary>
/// With the variables the Aspire dashboard sets, a service sends its logs, traces and metrics over OTLP.
/// The service runs as its own process, because the OpenTelemetry SDK reads those variables from the environment.
/// </summary>
public sealed class TelemetryExportTests : IClassFixture<IsolatedResources>
{
    private readonly IsolatedResources _resources;

    public TelemetryExportTests(IsolatedResources resources) => _resources = resources;

    [Fact]
    public async Task BookingApi_exports_logs_traces_and_metrics_to_the_OTLP_endpoint()
    {
        var received = new ConcurrentDictionary<string, string>();
        await using var collector = await StartCollectorAsync(received);
        var collectorAddress = collector.Urls.Single();
        var port = FreePort();

        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Dentistimo.BookingApi.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__bookingdb"] = _resources.BookingDb,
                ["ConnectionStrings__cache"] = _resources.Cache,
                ["ConnectionStrings__messaging"] = _resources.Messaging,
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collectorAddress,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = "bookingapi-under-test",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
                ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
                // Production, as on Azure: it seals recipients with a key of its own, not the development one.
                ["RecipientSeal__Key"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
            },
        };
        using var service = Process.Start(start)!;
        _ = service.StandardOutput.ReadToEndAsync();
        _ = service.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            // Ready once its database is migrated and seeded: before that the registry is still empty and clinic 1 unknown.
            await Eventually.TrueAsync(async () => await TryGetAsync(http, "/health"), TimeSpan.FromSeconds(60), "BookingApi to be ready");
            Assert.True(await TryGetAsync(http, "/api/clinics"));

            await Eventually.TrueAsync(
                () => new[] { "/v1/traces", "/v1/metrics", "/v1/logs" }.All(path => received.TryGetValue(path, out var body) && body.Contains("bookingapi-under-test")),
                TimeSpan.FromSeconds(30),
                "logs, traces and metrics to reach the collector");
            await Eventually.TrueAsync(
                () => received["/v1/traces"].Contains("GET /api/clinics"), TimeSpan.FromSeconds(30), "the request's span to reach the collector");

            // The second and third are answered by the output cache, before the endpoint: their spans are named too.
            var day = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd");
            for (var read = 0; read < 3; read++)
            {
                using var answer = await http.GetAsync($"/api/clinics/1/availability?date={day}");
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            }

            await Eventually.TrueAsync(
                () => Occurrences(received["/v1/traces"], "/api/clinics/1/availability") >= 3, TimeSpan.FromSeconds(30), "every read's span to carry its path");
        }
        finally
        {
            service.Kill(entireProcessTree: true);
        }
    }

    /// <summary>An OTLP/HTTP endpoint that keeps every body posted to each signal's path, as text (protobuf keeps strings as UTF-8).</summary>
    private static async Task<WebApplication> StartCollectorAsync(ConcurrentDictionary<string, string> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var collector = builder.Build();
        collector.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var text = Encoding.UTF8.GetString(body.ToArray());
            received.AddOrUpdate(context.Request.Path, text, (_, earlier) => earlier + text);
            context.Response.ContentType = "application/x-protobuf";
        });
        await collector.StartAsync();
        return collector;
    }

    private static async Task<bool> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int Occurrences(string text, string value) => (text.Length - text.Replace(value, "").Length) / value.Length;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
