// Benchmarks run against the system as the AppHost runs it (BenchSystem), with the Release build of the services and
// the load generator on the same machine; each mode prints a Markdown table for docs/benchmarks.md:
//
//   dotnet run -c Release --project bench/Dentistimo.Bench                          booking: availability reads and booking decisions
//   dotnet run -c Release --project bench/Dentistimo.Bench -- reads                 the availability reads alone
//   dotnet run -c Release --project bench/Dentistimo.Bench -- notifications [rate] [seconds]
//                                                                                   booking request to email, at a constant rate (default 200/s for 90 s)
//   dotnet run -c Release --project bench/Dentistimo.Bench -- web                   the web's home and booking pages at 1,000 connections
//   dotnet run -c Release --project bench/Dentistimo.Bench -- load [rate ...]       booking requests at constant rates in rising steps: the rate held with p99 < 500 ms
//
// "baseline" is an internal mode: a bare minimal-API JSON endpoint started as a separate process so that BookingApi's
// reads can be compared with it in the same run.
using System.Globalization;
using Dentistimo.Bench;

switch (args)
{
    case ["baseline", var port]:
        BaselineServer.Run(int.Parse(port));
        return 0;
    case []:
        return await BookingBenchmark.RunAsync(Console.Out);
    case ["reads"]:
        return await BookingBenchmark.RunAsync(Console.Out, includeDecisions: false);
    case ["notifications", .. var options] when options.Length <= 2 && options.All(option => int.TryParse(option, out _)):
        return await NotificationBenchmark.RunAsync(
            Console.Out,
            rate: options is [var rate, ..] ? int.Parse(rate, CultureInfo.InvariantCulture) : 200,
            TimeSpan.FromSeconds(options is [_, var seconds] ? int.Parse(seconds, CultureInfo.InvariantCulture) : 90));
    case ["web"]:
        return await WebBenchmark.RunAsync(Console.Out);
    case ["load", .. var rates] when rates.All(rate => int.TryParse(rate, out var value) && value > 0):
        return await LoadBenchmark.RunAsync(Console.Out, rates.Length > 0 ? rates.Select(int.Parse).ToList() : LoadBenchmark.DefaultRates);
    default:
        Console.Error.WriteLine("Usage: Dentistimo.Bench [reads | notifications [rate] [seconds] | web | load [rate ...]]");
        return 2;
}
