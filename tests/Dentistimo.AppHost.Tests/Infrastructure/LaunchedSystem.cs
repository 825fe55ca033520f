using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Dentistimo.Scenarios;
using Dentistimo.Testing;

namespace Dentistimo.AppHost.Tests.Infrastructure;

/// <summary>
/// The whole system as a developer's AppHost runs it: its servers and the three services as processes, started with
/// Aspire.Hosting.Testing from the AppHost's model, each waited for until healthy. Its servers are its own (a state
/// folder and <see cref="PortOffset"/> of their own), and the services get random ports.
/// </summary>
public class LaunchedSystem : IAsyncLifetime
{
    /// <summary>
    /// Servers:PortOffset of these fixtures: clear of a developer's AppHost (0) and of every other test's servers
    /// (docs/aspire.md lists them). Fixtures of this kind run one after another (<see cref="WholeSystemCollection"/>),
    /// and each stops its servers before the next starts.
    /// </summary>
    public const int PortOffset = 3000;

    private static readonly string[] s_servers = ["postgres", "cache", "messaging", "messaging-epmd", "mail"];
    private static readonly string[] s_resources = ["postgres", "bookingdb", "notifierdb", "cache", "messaging", "mail", "bookingapi", "notifier", "web"];

    // A first run installs the servers and creates PostgreSQL's cluster and RabbitMQ's node; a safety net for a hung start.
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromMinutes(1);

    private readonly string _stateDirectory;
    private readonly int _portOffset;
    private DistributedApplication? _app;

    public LaunchedSystem()
        : this("../.local/apphost-whole-system", PortOffset)
    {
    }

    /// <summary>For a fixture that must not share the state folder and ports of the others (one that crashes servers, say).</summary>
    protected LaunchedSystem(string stateDirectory, int portOffset)
    {
        _stateDirectory = stateDirectory;
        _portOffset = portOffset;
    }

    public RunningDentistimo Running { get; private set; } = null!;

    /// <summary>The running app, for a fixture of its own that drives its resources.</summary>
    public DistributedApplication App => _app ?? throw new InvalidOperationException("The system has not started.");

    /// <summary>Where the servers keep their files, as a full path.</summary>
    protected string ServersDirectory { get; private set; } = "";

    /// <summary>What a fixture of its own changes in the AppHost's model before it starts.</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    /// <summary>Called once MailDev answers (on <paramref name="smtpPort"/>), before the services are waited for.</summary>
    /// <param name="mailDevModules">MailDev's node_modules, which the AppHost installed.</param>
    protected virtual Task MailDevStartedAsync(int smtpPort, string mailDevModules) => Task.CompletedTask;

    public virtual async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(s_startTimeout);
        var builder = await AppHostServers.CreateBuilderAsync(_stateDirectory, _portOffset, cts.Token);
        ServersDirectory = Path.GetFullPath(_stateDirectory, builder.AppHostDirectory);
        Configure(builder);
        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);

        await _app.ResourceNotifications.WaitForResourceHealthyAsync("mail", cts.Token);
        await MailDevStartedAsync(
            _app.GetEndpoint("mail", "smtp").Port,
            Path.Combine(ServersDirectory, "maildev", "node_modules"));
        await Task.WhenAll(s_resources.Select(resource => _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token)));
        Running = new RunningDentistimo(_app.GetEndpoint("web", "http"), _app.GetEndpoint("bookingapi", "http"), _app.GetEndpoint("mail", "http"));
    }

    public virtual async Task DisposeAsync()
    {
        if (_app is null)
        {
            return;
        }

        // The servers are stopped and waited for, so that the next fixture's find the ports and the data folder free; the
        // services, on random ports, go with the app.
        try
        {
            using var cts = new CancellationTokenSource(s_stopTimeout);
            await StopAsync(_app, s_servers, cts.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }

    private static Task StopAsync(DistributedApplication app, IEnumerable<string> resources, CancellationToken ct) =>
        Task.WhenAll(resources.Select(resource => app.StopResourceAsync(resource, ct)));
}
