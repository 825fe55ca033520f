using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Dentistimo.Bench;

public sealed record WrkResult(double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, long Requests, long Non2xx, long SocketErrors)
{
    /// <summary>wrk's breakdown, e.g. "connect 0, read 0, write 0, timeout 12"; empty when there were none.</summary>
    public string SocketErrorDetail { get; init; } = "";

    /// <summary>Rounds of equal length as one: the mean rate and percentiles, the counts summed.</summary>
    public static WrkResult MeanOf(IReadOnlyList<WrkResult> rounds) => new(
        rounds.Average(round => round.RequestsPerSecond), rounds.Average(round => round.P50Milliseconds), rounds.Average(round => round.P99Milliseconds),
        rounds.Sum(round => round.Requests), rounds.Sum(round => round.Non2xx), rounds.Sum(round => round.SocketErrors))
    {
        SocketErrorDetail = string.Join("; ", rounds.Select(round => round.SocketErrorDetail).Where(detail => detail.Length > 0)),
    };
}

/// <summary>Runs wrk (Debian's package) and reads its summary.</summary>
public static partial class Wrk
{
    /// <summary>One per core: with one, reads were 0.84 of the bare endpoint's with no better p99.</summary>
    public const int Threads = 2;

    public static async Task<WrkResult> RunAsync(
        Uri url, int connections, TimeSpan duration, string? script = null, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? headers = null)
    {
        // Through bash, to raise the open-files limit first: wrk needs one descriptor per connection.
        var start = new ProcessStartInfo("bash", [
            "-c", "ulimit -n 65535 2>/dev/null || ulimit -n \"$(ulimit -Hn)\"; exec wrk \"$@\"", "wrk",
            "--threads", Threads.ToString(CultureInfo.InvariantCulture), "--connections", connections.ToString(CultureInfo.InvariantCulture),
            "--duration", $"{(int)duration.TotalSeconds}s", "--timeout", "10s", "--latency",
            .. script is null ? Array.Empty<string>() : ["--script", script],
            .. (headers ?? []).SelectMany(header => new[] { "--header", header }),
            url.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk failed: {errors}{output}");
        }

        return new WrkResult(
            Number(RequestsPerSecond(), output),
            Latency("50%", output),
            Latency("99%", output),
            (long)Number(RequestsLine(), output),
            NonSuccess().Match(output) is { Success: true } non2xx ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            SocketErrors().Matches(output).Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)))
        {
            SocketErrorDetail = SocketErrorsLine().Match(output).Groups[1].Value.Trim(),
        };
    }

    private static double Number(Regex pattern, string output) =>
        double.Parse(pattern.Match(output).Groups[1].Value, CultureInfo.InvariantCulture);

    private static double Latency(string percentile, string output)
    {
        var match = Regex.Match(output, $@"^\s*{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"(?:connect|read|write|timeout) (\d+)")]
    private static partial Regex SocketErrors();

    [GeneratedRegex(@"Socket errors:(.*)")]
    private static partial Regex SocketErrorsLine();
}
