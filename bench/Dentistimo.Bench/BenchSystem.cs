using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Dentistimo.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dentistimo.Bench;

/// <summary>
/// Dentistimo as the AppHost runs it (Dentistimo.AppHost/AppHost.cs), started with Aspire.Hosting.Testing from its
/// model: all its servers and those of its services that a benchmark measures, in Production with the settings of
/// <see cref="s_measuredSettings"/>. The servers are the benchmarks' own (a state folder and <see cref="PortOffset"/>)
/// and start from empty data on every run, so that every run finds the same free seats.
/// </summary>
public sealed class BenchSystem : IAsyncDisposable
{
    public const string BookingApi = "bookingapi";
    public const string Web = "web";
    public const string Notifier = "notifier";

    /// <summary>Servers:PortOffset of the benchmarks: clear of a developer's AppHost (0) and of the tests' (1000 to 3000).</summary>
    public const int PortOffset = 6000;

    private const string StateDirectory = "../.local/apphost-bench";

    /// <summary>What a run starts without: the databases, RabbitMQ's node and MailDev's emails (MailDev's installed package stays).</summary>
    private static readonly string[] s_dataDirectories = ["postgres", "messaging", Path.Combine("maildev", "mail")];

    private static readonly string[] s_servers = ["postgres", "bookingdb", "notifierdb", "cache", "messaging", "mail"];
    private static readonly string[] s_stoppable = ["postgres", "cache", "messaging", "messaging-epmd", "mail", BookingApi, Web, Notifier];

    /// <summary>
    /// No per-client booking limit (every load-generator connection shares one address) and only warnings logged, so
    /// that the services, not the limiter or the console, are measured.
    /// </summary>
    private static readonly Dictionary<string, string> s_measuredSettings = new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Logging__LogLevel__Default"] = "Warning",
        ["RateLimits__BookingsPerSecondPerClient"] = "1000000",
        ["RateLimits__BookingBurstPerClient"] = "1000000",
    };

    // A first run installs the servers and creates PostgreSQL's cluster and RabbitMQ's node; a safety net for a hung start.
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromMinutes(1);

    private readonly DistributedApplication _app;
    private readonly CancellationTokenSource _stopWatching = new();
    private readonly Dictionary<string, int> _warnings = [];

    private BenchSystem(DistributedApplication app) => _app = app;

    /// <summary>Starts the servers and <paramref name="services"/> (resource names), and returns once every one of them is healthy.</summary>
    public static async Task<BenchSystem> StartAsync(params string[] services)
    {
        using var cts = new CancellationTokenSource(s_startTimeout);
        // As the tests' model: no scheduled backup, whose first would run beside the warm-up. PostgreSQL still archives its WAL.
        var builder = await AppHostServers.CreateBuilderAsync(StateDirectory, PortOffset, cts.Token);
        // Standard output is the report's: the AppHost's own log goes to standard error, its servers' failing health
        // checks while they start left out.
        builder.Services.AddLogging(logging => logging
            .ClearProviders()
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("Dentistimo.AppHost.Resources", LogLevel.Error));

        var state = Path.GetFullPath(StateDirectory, builder.AppHostDirectory);
        foreach (var data in s_dataDirectories.Select(directory => Path.Combine(state, directory)).Where(Directory.Exists))
        {
            Directory.Delete(data, recursive: true);
        }

        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            if (!services.Contains(project.Name))
            {
                builder.Resources.Remove(project);
                continue;
            }

            var service = builder.CreateResourceBuilder(project);
            foreach (var (name, value) in s_measuredSettings)
            {
                service.WithEnvironment(name, value);
            }

            service.AsDeployed(PortOffset);
        }

        var app = await builder.BuildAsync(cts.Token);
        var system = new BenchSystem(app);
        try
        {
            await app.StartAsync(cts.Token);
            await Task.WhenAll(s_servers.Concat(services).Select(resource => app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token)));
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }

        foreach (var service in services)
        {
            system.CountWarnings(service);
        }

        return system;
    }

    public Uri Url(string service) => _app.GetEndpoint(service, "http");

    /// <summary>MailDev's inbox and its REST API.</summary>
    public Uri MailDevUrl => _app.GetEndpoint("mail", "http");

    public async Task<string> ConnectionStringAsync(string resource) =>
        await _app.GetConnectionStringAsync(resource) ?? throw new InvalidOperationException($"{resource} has no connection string.");

    /// <summary>The value the AppHost gave one of its parameters (a secret it generated, such as recipient-seal-key).</summary>
    public async Task<string> ParameterAsync(string name)
    {
        var parameter = _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>().Single(resource => resource.Name == name);
        return await parameter.GetValueAsync(CancellationToken.None) ?? throw new InvalidOperationException($"{name} has no value.");
    }

    /// <summary>Lines the service logged at Warning or above so far (the console logger starts them with "warn:", "fail:" or "crit:").</summary>
    public int WarningsLogged(string service)
    {
        lock (_warnings)
        {
            return _warnings.GetValueOrDefault(service);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopWatching.CancelAsync();
        // Stopped and waited for, so that the next run finds the ports free and can start its servers from empty data.
        try
        {
            using var cts = new CancellationTokenSource(s_stopTimeout);
            var model = _app.Services.GetRequiredService<DistributedApplicationModel>();
            var running = s_stoppable.Where(name => model.Resources.Any(resource => resource.Name == name));
            await Task.WhenAll(running.Select(async resource =>
            {
                await _app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, cts.Token);
                await _app.WaitForExitAsync(resource, cts.Token);
            }));
        }
        finally
        {
            await _app.DisposeAsync();
            _stopWatching.Dispose();
        }
    }

    private void CountWarnings(string service)
    {
        // By the resource, not its name: DCP knows the process by a name of its own.
        var resource = _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(candidate => candidate.Name == service);
        var logs = _app.Services.GetRequiredService<ResourceLoggerService>();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var lines in logs.WatchAsync(resource).WithCancellation(_stopWatching.Token))
                {
                    var warnings = lines.Count(line => line.Content.StartsWith("warn:", StringComparison.Ordinal)
                        || line.Content.StartsWith("fail:", StringComparison.Ordinal) || line.Content.StartsWith("crit:", StringComparison.Ordinal));
                    lock (_warnings)
                    {
                        _warnings[service] = _warnings.GetValueOrDefault(service) + warnings;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }
}
