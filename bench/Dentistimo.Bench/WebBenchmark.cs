using System.Globalization;
using System.Net;
using System.Text;
using Dentistimo.Contracts;

namespace Dentistimo.Bench;

/// <summary>
/// The web's home page and one clinic-day's booking page at 1,000 connections each, with BookingApi behind it. The
/// pages render (200) even when BookingApi does not answer in time, so the warnings the web logged are counted too.
/// </summary>
public static class WebBenchmark
{
    private const int Connections = 1000;
    private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_measure = TimeSpan.FromSeconds(20);

    /// <summary>What every browser says it accepts, so that pages are served as browsers get them.</summary>
    private static readonly string[] s_browserHeaders = ["Accept-Encoding: gzip, deflate, br"];

    public static async Task<int> RunAsync(TextWriter output)
    {
        await Harness.EnsureWrkAsync();
        await using var system = await BenchSystem.StartAsync(BenchSystem.BookingApi, BenchSystem.Web);
        using var bookingApi = new HttpClient { BaseAddress = system.Url(BenchSystem.BookingApi) };
        var (clinic, start) = (await Harness.FindFreeSlotsAsync(bookingApi))[0];
        var pages = new (string Name, Uri Url)[]
        {
            ("home page `/`", new Uri(system.Url(BenchSystem.Web), "/")),
            ("booking page `/book?clinic&date`", new Uri(system.Url(BenchSystem.Web), $"/book?clinic={clinic}&date={ClinicTime.LocalDate(start):yyyy-MM-dd}")),
        };

        using var web = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        foreach (var (name, url) in pages)
        {
            using var response = await web.GetAsync(url);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}, not 200.");
            }
        }

        Console.Error.WriteLine("Warming up...");
        foreach (var (_, url) in pages)
        {
            await Wrk.RunAsync(url, Connections, s_warmUp, headers: s_browserHeaders);
        }

        var results = new List<(string Name, Uri Url, WrkResult Result, int Warnings)>();
        foreach (var (name, url) in pages)
        {
            Console.Error.WriteLine($"Measuring {url}...");
            var warningsBefore = system.WarningsLogged(BenchSystem.Web);
            var result = await Wrk.RunAsync(url, Connections, s_measure, headers: s_browserHeaders);
            results.Add((name, url, result, system.WarningsLogged(BenchSystem.Web) - warningsBefore));
        }

        output.WriteLine(Report(results));
        return 0;
    }

    private static string Report(List<(string Name, Uri Url, WrkResult Result, int Warnings)> results)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Harness.Machine}; wrk with 2 threads and {Connections:N0} connections, {s_measure.TotalSeconds:0} s per row, on the same machine as BookingApi, Redis, PostgreSQL and the web.");
        report.AppendLine();
        report.AppendLine("| what | requests/s | p50 | p99 | non-2xx | socket errors | notes |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var (name, url, result, warnings) in results)
        {
            var socketErrors = result.SocketErrors > 0 ? $" ({result.SocketErrorDetail})" : "";
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {result.RequestsPerSecond:N0} | {result.P50Milliseconds:0.0} ms | {result.P99Milliseconds:0.0} ms | {result.Non2xx:N0} | {result.SocketErrors:N0}{socketErrors} | " +
                $"{result.Requests:N0} requests to {url.PathAndQuery}; {warnings:N0} warnings logged by the web |");
        }

        return report.ToString();
    }
}
