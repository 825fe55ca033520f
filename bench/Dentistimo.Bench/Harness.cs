using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Dentistimo.Bench;

/// <summary>What the benchmark modes share: wrk, the services' settings, free slots to book and the machine line.</summary>
public static class Harness
{
    private static readonly TimeZoneInfo s_stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    public static string Machine =>
        $"{Environment.ProcessorCount} cores, {MachineModel()}, .NET {Environment.Version}";

    /// <summary>
    /// For the services started after this: no per-client booking limit (every load-generator connection shares one
    /// address) and only warnings logged, so that the services, not the limiter or the console, are measured.
    /// </summary>
    public static void MeasureServicesNotLimits()
    {
        Environment.SetEnvironmentVariable("RateLimits__BookingsPerSecondPerClient", "1000000");
        Environment.SetEnvironmentVariable("RateLimits__BookingBurstPerClient", "1000000");
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
    }

    /// <summary>Every free slot of every clinic from the day after tomorrow for 60 days, as BookingApi reports them.</summary>
    public static async Task<List<(int Clinic, DateTimeOffset Start)>> FindFreeSlotsAsync(HttpClient bookingApi)
    {
        var from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2);
        var range = await bookingApi.GetFromJsonAsync<JsonObject>($"/api/availability?from={from:yyyy-MM-dd}&to={from.AddDays(60):yyyy-MM-dd}");
        var slots = new List<(int, DateTimeOffset)>();
        foreach (var clinic in range!["clinics"]!.AsArray())
        {
            var clinicId = (int)clinic!["clinicId"]!;
            foreach (var day in clinic["days"]!.AsArray().Where(day => (int)day!["freeSlots"]! > 0))
            {
                var detail = await bookingApi.GetFromJsonAsync<JsonObject>($"/api/clinics/{clinicId}/availability?date={day!["date"]}");
                slots.AddRange(detail!["slots"]!.AsArray()
                    .Where(slot => (string)slot!["state"]! is "available" or "few-left")
                    .Select(slot => (clinicId, DateTimeOffset.Parse((string)slot!["start"]!, CultureInfo.InvariantCulture))));
            }
        }

        return slots;
    }

    /// <summary>The clinics' calendar day of an instant.</summary>
    public static DateOnly StockholmDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, s_stockholm).DateTime);

    public static async Task EnsureWrkAsync()
    {
        if (File.Exists("/usr/bin/wrk"))
        {
            return;
        }

        Console.Error.WriteLine("Installing wrk from Debian's packages...");
        foreach (var arguments in new[] { "update", "install -y --no-install-recommends wrk" })
        {
            using var apt = Process.Start("apt-get", arguments)!;
            await apt.WaitForExitAsync();
        }
    }

    private static string MachineModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
}
