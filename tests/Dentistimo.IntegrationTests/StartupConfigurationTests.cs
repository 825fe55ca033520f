using System.Diagnostics;

namespace Dentistimo.IntegrationTests;

/// <summary>A missing connection string is an operator's mistake: one line naming it, no stack trace, exit code 78.</summary>
public sealed class StartupConfigurationTests
{
    [Theory]
    [InlineData("Dentistimo.BookingApi", "ConnectionStrings:bookingdb")]
    [InlineData("Dentistimo.Notifier", "missing connection string 'ConnectionStrings:")]
    [InlineData("Dentistimo.Web", "services:bookingapi:http")]
    public async Task A_service_without_its_configuration_names_what_is_missing(string service, string missingKey)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, $"{service}.dll"), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var inherited in start.Environment.Keys.Where(key => key.StartsWith("ConnectionStrings__") || key.StartsWith("services__")).ToList())
        {
            start.Environment.Remove(inherited);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(78, process.ExitCode);
        Assert.Contains(missingKey, await stderr);
        Assert.DoesNotContain("   at ", await stderr + await stdout);
    }
}
