// Booking benchmarks (issue: availability reads on a cache hit, and booking decisions), run against the real servers
// and the Release build of BookingApi, with wrk as the load generator on the same machine:
//
//   dotnet run -c Release --project bench/Dentistimo.Bench
//
// It prints a Markdown table for the README. "baseline" is an internal mode: a bare minimal-API JSON endpoint
// started as a separate process so that BookingApi's reads can be compared with it in the same run.
using Dentistimo.Bench;

if (args is ["baseline", var port])
{
    BaselineServer.Run(int.Parse(port));
    return 0;
}

return await BookingBenchmark.RunAsync(Console.Out);
