using System.Globalization;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Dentistimo.AppHost.Tests.Infrastructure;
using Dentistimo.Testing;

namespace Dentistimo.AppHost.Tests.FaultInjection;

/// <summary>
/// The fault-injection tests kill and stop servers and services and put both cores under load, so they run on their
/// own, after the tests that run in parallel, one at a time, on a system of their own (<see cref="FaultInjectionSystem"/>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultInjectionCollection : ICollectionFixture<FaultInjectionSystem>
{
    public const string Name = "Fault injection";
}

/// <summary>
/// The whole AppHost model, its servers and its three services as DCP runs them, in a state folder of its own and on
/// ports of its own (<see cref="PortOffset"/>), so that stopping and killing them never touches what other tests use.
/// Started once for all the tests, since the whole system takes a minute or more to start on two cores; each test
/// resets its data (<see cref="SystemUnderTest"/>). Also keeps the summary of the run, artifacts/fault-injection.md.
/// </summary>
public sealed partial class FaultInjectionSystem() : LaunchedSystem("../.local/apphost-fault-injection", PortOffset)
{
    /// <summary>
    /// Servers:PortOffset of this system: PostgreSQL 9733, Redis 10679, RabbitMQ 9972 (management 19972), MailDev SMTP
    /// 5325 (inbox 5380). Not 4000, whose MailDev inbox (5080) is the port of a developer's AppHost's web app.
    /// </summary>
    public new const int PortOffset = 4300;

    private readonly List<FaultReport> _reports = [];

    public AppHostServers Servers { get; private set; } = null!;

    /// <summary>Where MailDev keeps each email it accepted as an .eml file.</summary>
    public string MailDirectory => Path.Combine(ServersDirectory, "maildev", "mail");

    /// <summary>One line per fault, for people and CI to read after the run (.ci/run prints it).</summary>
    public string SummaryFile { get; private set; } = "";

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        foreach (var service in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(service).AsDeployed(PortOffset);
        }
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Servers = await AppHostServers.OfAsync(App, CancellationToken.None);

        // The state folder is .local/ in the repository, where artifacts/ is too.
        SummaryFile = Path.GetFullPath(Path.Combine(ServersDirectory, "..", "..", "artifacts", "fault-injection.md"));
        Directory.CreateDirectory(Path.GetDirectoryName(SummaryFile)!);
        await File.WriteAllTextAsync(SummaryFile, string.Create(CultureInfo.InvariantCulture, $"""
            # Fault injection, latest run

            {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {TestBuild.Configuration} build of the services.
            Each fault is injected once under a steady stream of booking requests; the invariants are checked once the
            system has recovered and drained. Each fault's service logs are in artifacts/fault-injection/.

            {FaultReport.MarkdownHeader}

            """));
    }

    public override async Task DisposeAsync()
    {
        try
        {
            if (_reports.Count > 0)
            {
                await File.AppendAllTextAsync(SummaryFile, string.Create(CultureInfo.InvariantCulture, $"""

                    {_reports.Count} faults, {_reports.Sum(report => report.Requests)} requests: {_reports.Sum(report => report.Lost)} lost, {_reports.Sum(report => report.DuplicatedEmails)} emails duplicated, {_reports.Sum(report => report.MissingEmails)} missing, {_reports.Sum(report => report.OverbookedSlots)} slots overbooked; invariants broken under {_reports.Count(report => report.Violations.Count > 0)} of the faults.

                    """));
            }
        }
        finally
        {
            await base.DisposeAsync();
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
