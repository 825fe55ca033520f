using System.Globalization;
using System.Text.RegularExpressions;
using Dentistimo.AppHost.Tests.Infrastructure;
using Dentistimo.LocalServers;
using Dentistimo.LocalServers.Infrastructure;

namespace Dentistimo.AppHost.Tests.FaultInjection;

/// <summary>
/// The fault-injection tests kill and stop servers and services and put both cores under load, so they run on their
/// own, after the tests that run in parallel, one at a time, on servers of their own (<see cref="FaultInjectionServers"/>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultInjectionCollection : ICollectionFixture<FaultInjectionServers>
{
    public const string Name = "Fault injection";
}

/// <summary>
/// A set of PostgreSQL, Redis, RabbitMQ and MailDev of the fault-injection tests' own, in a state folder of its own and
/// on other ports (the shared ones + <see cref="PortOffset"/>), so that stopping and killing them never touches the
/// servers other tests and the launcher share. Started once for all the tests, since RabbitMQ alone takes 10 s or more
/// to start, and stopped at the end. Also keeps the summary of the run, artifacts/fault-injection.md.
/// </summary>
public sealed partial class FaultInjectionServers : IAsyncLifetime
{
    /// <summary>PostgreSQL on 5832, Redis 6680, RabbitMQ 5973 (management 15973), MailDev SMTP 1425 (web 1480).</summary>
    public const int PortOffset = 300;

    private readonly List<FaultReport> _reports = [];
    private IDisposable? _exclusiveUse;

    public LocalServerSet Servers { get; private set; } = null!;

    /// <summary>One line per fault, for people and CI to read after the run (.ci/run prints it).</summary>
    public string SummaryFile { get; } = Path.Combine(Repository.FindRoot(), "artifacts", "fault-injection.md");

    public async Task InitializeAsync()
    {
        var shared = LocalServerSet.ForRepository();
        Servers = LocalServerSet.ForRepository(Path.Combine(shared.StateDirectory, "fault-injection"), portOffset: PortOffset);
        // Another test run (another worktree sharing the state folder, say) would have its servers killed under it.
        _exclusiveUse = await Servers.AcquireExclusiveUseAsync("a fault-injection test run", TimeSpan.FromMinutes(30));
        await Servers.StartAsync();

        Directory.CreateDirectory(Path.GetDirectoryName(SummaryFile)!);
        await File.WriteAllTextAsync(SummaryFile, string.Create(CultureInfo.InvariantCulture, $"""
            # Fault injection, latest run

            {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {TestBuild.Configuration} build of the services.
            Each fault is injected once under a steady stream of booking requests; the invariants are checked once the
            system has recovered and drained. Each fault's service logs are in artifacts/fault-injection/.

            {FaultReport.MarkdownHeader}

            """));
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_reports.Count > 0)
            {
                await File.AppendAllTextAsync(SummaryFile, string.Create(CultureInfo.InvariantCulture, $"""

                    {_reports.Count} faults, {_reports.Sum(report => report.Requests)} requests: {_reports.Sum(report => report.Lost)} lost, {_reports.Sum(report => report.DuplicatedEmails)} emails duplicated, {_reports.Sum(report => report.MissingEmails)} missing, {_reports.Sum(report => report.OverbookedSlots)} slots overbooked; invariants broken under {_reports.Count(report => report.Violations.Count > 0)} of the faults.

                    """));
            }

            await Servers.StopAsync();
        }
        finally
        {
            _exclusiveUse?.Dispose();
        }
    }

    /// <summary>Where a fault's test keeps the services' logs: artifacts/fault-injection/{fault}/.</summary>
    public string LogFolder(Fault fault) =>
        Path.Combine(Path.GetDirectoryName(SummaryFile)!, "fault-injection", NotFileNameCharacters().Replace(fault.Name.ToLowerInvariant(), "-").Trim('-'));

    public async Task AppendToSummaryAsync(FaultReport report, TimeSpan took)
    {
        _reports.Add(report);
        await File.AppendAllTextAsync(SummaryFile, report.ToMarkdownRow(took) + "\n");
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotFileNameCharacters();
}
