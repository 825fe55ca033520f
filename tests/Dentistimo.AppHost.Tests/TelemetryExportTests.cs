using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Dentistimo.Testing;
using Dentistimo.Notifier.Email;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Dentistimo.AppHost.Tests;

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

    /// <summary>
    /// The outbox and RabbitMQ must not break the trace: the form's request, BookingApi's decision and its SQL, the
    /// publish, the notifier's consume and the SMTP send are one trace, and no span of it carries what the patient typed.
    /// All three services run in this process, so one listener sees every span the services' OpenTelemetry would export.
    /// </summary>
    [Fact]
    public async Task A_booking_made_in_the_web_form_is_one_trace_from_the_form_to_the_SMTP_send_without_patient_data()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var notifier = await NotificationScenario.StartNotifierAsync(_resources);
        await using var api = new BookingApiFactory(_resources);
        var apiAddress = await api.StartedOnKestrelAsync();
        var (date, start) = await new BookingApiDriver(new HttpClient { BaseAddress = apiAddress }).FindBookableSlotAsync(clinicId: 1, daysAhead: 4);
        await using var web = new WebFactory(apiAddress, _resources.Messaging);
        var client = web.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var address = $"/book?clinic=1&date={date:yyyy-MM-dd}";
        var requestId = Guid.NewGuid();
        var patient = new { Name = "Selma Ottilia Lagerlöf", Email = BookingApiDriver.NewPatientEmail(), Phone = "+46 70 555 01 23" };

        using var formResponse = await client.GetAsync(address);
        var form = new HtmlParser().ParseDocument(await formResponse.Content.ReadAsStringAsync());
        var fields = form.QuerySelectorAll("#booking-form input[type=hidden]").Cast<IHtmlInputElement>().ToDictionary(input => input.Name!, input => input.Value);
        fields["Form.RequestId"] = requestId.ToString();
        fields["Form.Start"] = start.ToString("O");
        fields["Form.Name"] = patient.Name;
        fields["Form.Email"] = patient.Email;
        fields["Form.Phone"] = patient.Phone;
        fields["Form.Consent"] = "true";
        using var answer = await client.PostAsync(address, new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);

        await Eventually.TrueAsync(() => spans.Any(span => IsFor(span, "Dentistimo.Notifier.Email", requestId)), TimeSpan.FromSeconds(60), "the SMTP send's span");
        var decision = spans.Single(span => IsFor(span, "Dentistimo.BookingApi.Bookings", requestId));
        var trace = spans.Where(span => span.TraceId == decision.TraceId).ToList();
        var smtpSend = spans.Single(span => IsFor(span, "Dentistimo.Notifier.Email", requestId));

        var formPost = Assert.Single(trace, span => span.Parent is null && span.ParentSpanId == default);
        Assert.Equal((ActivityKind.Server, "/book"), (formPost.Kind, formPost.GetTagItem("url.path")));
        Assert.Equal(decision.TraceId, smtpSend.TraceId);
        Assert.Equal(ActivityKind.Client, smtpSend.Kind);
        Assert.Equal(SmtpSettings.Parse(_resources.Mail).Port, smtpSend.GetTagItem("server.port"));
        Assert.Contains(trace, span => span.Source.Name == "Npgsql" && trace.Any(batch => batch.OperationName == "Decide booking batch" && span.ParentSpanId == batch.SpanId));
        Assert.Contains(trace, span => span.OperationName == "outbox publish BookingConfirmed");
        Assert.Contains(Ancestors(smtpSend, trace), span => span.Source.Name == "MassTransit" && span.Kind == ActivityKind.Consumer);

        var patientData = new[] { patient.Name, patient.Email, patient.Phone, patient.Phone.Replace(" ", "") };
        foreach (var span in spans)
        {
            var texts = span.TagObjects.Select(tag => $"{tag.Key}={tag.Value}")
                .Concat(span.Events.SelectMany(spanEvent => spanEvent.Tags.Select(tag => $"{spanEvent.Name} {tag.Key}={tag.Value}")))
                .Concat(span.Baggage.Select(item => $"{item.Key}={item.Value}"))
                .Append(span.DisplayName)
                .Append(span.StatusDescription ?? "");
            foreach (var text in texts)
            {
                Assert.False(patientData.Any(value => text.Contains(value, StringComparison.OrdinalIgnoreCase)),
                    $"span '{span.DisplayName}' ({span.Source.Name}) carries patient data: {text}");
            }
        }
    }

    private static bool IsFor(Activity span, string source, Guid requestId) =>
        span.Source.Name == source && Equals(span.GetTagItem("dentistimo.request_id"), requestId);

    private static IEnumerable<Activity> Ancestors(Activity span, IReadOnlyList<Activity> trace)
    {
        for (var parent = trace.FirstOrDefault(candidate => candidate.SpanId == span.ParentSpanId); parent is not null;
             parent = trace.FirstOrDefault(candidate => candidate.SpanId == parent.ParentSpanId))
        {
            yield return parent;
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
