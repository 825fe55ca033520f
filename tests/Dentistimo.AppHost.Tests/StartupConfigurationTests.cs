using System.Diagnostics;

namespace Dentistimo.AppHost.Tests;

/// <summary>A missing or out-of-range setting is an operator's mistake: one line naming it, and exit code 78.</summary>
public sealed class StartupConfigurationTests
{
    private static readonly Dictionary<string, string> s_unreachableServers = new()
    {
        ["ConnectionStrings__bookingdb"] = "Host=127.0.0.1;Port=9;Username=nobody;Password=none;Database=none",
        ["ConnectionStrings__cache"] = "127.0.0.1:9",
        ["ConnectionStrings__messaging"] = "amqp://nobody:none@127.0.0.1:9",
        ["ConnectionStrings__notifierdb"] = "Host=127.0.0.1;Port=9;Username=nobody;Password=none;Database=none",
        ["ConnectionStrings__mail"] = "Endpoint=smtp://127.0.0.1:9",
        ["services__bookingapi__http__0"] = "http://127.0.0.1:9",
        ["RecipientSeal__Key"] = "a-deployment-secret-of-32-characters-or-more",
    };

    [Theory]
    [InlineData("Dentistimo.BookingApi", "ConnectionStrings:bookingdb")]
    [InlineData("Dentistimo.Notifier", "missing connection string 'ConnectionStrings:")]
    [InlineData("Dentistimo.Web", "services:bookingapi:http")]
    public async Task A_service_without_its_configuration_names_what_is_missing(string service, string missingKey)
    {
        var (exitCode, stderr, stdout) = await RunAsync(service, new Dictionary<string, string>());

        Assert.Equal(78, exitCode);
        Assert.Contains(missingKey, stderr);
        Assert.DoesNotContain("   at ", stderr + stdout);
    }

    [Theory]
    [InlineData("Dentistimo.BookingApi", "Booking__DecisionWorkers", "Booking:DecisionWorkers")]
    [InlineData("Dentistimo.BookingApi", "RateLimits__ConcurrentBookings", "RateLimits:ConcurrentBookings")]
    [InlineData("Dentistimo.Web", "BookingAttempts__PerClientPerMinute", "BookingAttempts:PerClientPerMinute")]
    [InlineData("Dentistimo.Notifier", "Delivery__PrefetchCount", "Delivery:PrefetchCount")]
    [InlineData("Dentistimo.Notifier", "Delivery__ConcurrentMessageLimit", "Delivery:ConcurrentMessageLimit")]
    [InlineData("Dentistimo.Notifier", "Delivery__ErrorQueueRetentionDays", "Delivery:ErrorQueueRetentionDays")]
    [InlineData("Dentistimo.BookingApi", "RecipientSeal__Key", "RecipientSeal:Key")]
    [InlineData("Dentistimo.Notifier", "RecipientSeal__PreviousKey", "RecipientSeal:PreviousKey")]
    [InlineData("Dentistimo.Web", "Shutdown__Timeout", "Shutdown:Timeout", "-00:00:05")]
    public async Task A_setting_out_of_its_range_is_named_at_start(string service, string variable, string setting, string value = "0")
    {
        var (exitCode, stderr, stdout) = await RunAsync(service, new Dictionary<string, string>(s_unreachableServers) { [variable] = value });

        Assert.Equal(78, exitCode);
        Assert.Contains($"{service}: '{setting}': The field", stderr);
        Assert.DoesNotContain("   at ", stderr + stdout);
    }

    /// <summary>The services run in Production here (no ASPNETCORE_ENVIRONMENT): only Development has a key of its own.</summary>
    [Theory]
    [InlineData("Dentistimo.BookingApi")]
    [InlineData("Dentistimo.Notifier")]
    public async Task Outside_Development_a_service_without_the_recipient_seal_key_names_it_at_start(string service)
    {
        var environment = new Dictionary<string, string>(s_unreachableServers);
        environment.Remove("RecipientSeal__Key");

        var (exitCode, stderr, stdout) = await RunAsync(service, environment);

        Assert.Equal(78, exitCode);
        Assert.Contains($"{service}: missing 'RecipientSeal:Key' (environment variable RecipientSeal__Key)", stderr);
        Assert.DoesNotContain("   at ", stderr + stdout);
    }

    private static async Task<(int ExitCode, string Stderr, string Stdout)> RunAsync(string service, IReadOnlyDictionary<string, string> environment)
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

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stderr, await stdout);
    }
}
