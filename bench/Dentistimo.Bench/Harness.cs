using System.Diagnostics;
using System.Globalization;
using Dentistimo.Load;

namespace Dentistimo.Bench;

/// <summary>What the benchmark modes share: wrk, free slots to book and the machine line.</summary>
public static class Harness
{
    public static string Machine =>
        $"{Environment.ProcessorCount} cores, {MachineModel()}, .NET {Environment.Version}";

    /// <summary>Every free slot of every clinic from the day after tomorrow for 60 days, as BookingApi reports them.</summary>
    public static Task<IReadOnlyList<SlotToBook>> FindFreeSlotsAsync(HttpClient bookingApi) =>
        FreeSlots.FindAsync(bookingApi, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2), days: 61);

    /// <summary>
    /// Free slots to warm up on, from 70 days ahead (within the 90-day horizon): beyond <see cref="FindFreeSlotsAsync"/>'s,
    /// so that what is measured starts with the same free slots however it was warmed up.
    /// </summary>
    public static Task<IReadOnlyList<SlotToBook>> FindWarmUpSlotsAsync(HttpClient bookingApi) =>
        FreeSlots.FindAsync(bookingApi, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(70), days: 15);

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
