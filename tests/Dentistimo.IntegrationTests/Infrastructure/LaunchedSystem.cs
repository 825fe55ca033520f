using Dentistimo.LocalServers;
using Dentistimo.Scenarios;

namespace Dentistimo.IntegrationTests.Infrastructure;

/// <summary>
/// The whole system as the launcher runs it: the three services as processes from their build output
/// (<see cref="DentistimoSystem"/>), with the AppHost's configuration, on LocalServers' real servers. It gets databases,
/// a RabbitMQ virtual host and a Redis key prefix of its own, and ports away from the launcher's (5080-5082) and the
/// benchmarks' (6080-6282), so it runs next to both.
/// </summary>
public class LaunchedSystem : IAsyncLifetime
{
    // Web, BookingApi and Notifier on base, base + 1 and base + 2; the next base if another test run owns this one.
    private static readonly int[] s_portBases = [7080, 7090, 7100, 7110, 7120, 7130, 7140, 7150];

    // DentistimoSystem runs the services on LocalServers' own servers, started once per test run and reused if running.
    private static readonly Lazy<Task<LocalServerSet>> s_servers = new(async () =>
    {
        var servers = LocalServerSet.ForRepository();
        await servers.StartAsync();
        return servers;
    });

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];
    private LocalServerSet _servers = null!;
    private DentistimoSystem? _system;

    public RunningDentistimo Running { get; private set; } = null!;

    private string BookingDb => $"bookingdb_{_suffix}";
    private string NotifierDb => $"notifierdb_{_suffix}";
    private string VirtualHost => $"test-{_suffix}";

    /// <summary>What a fixture of its own changes in the launcher's configuration of the services.</summary>
    protected virtual Task<DentistimoSystemOptions> ConfigureAsync(LocalServerSet servers, DentistimoSystemOptions options) =>
        Task.FromResult(options);

    public async Task InitializeAsync()
    {
        _servers = await s_servers.Value;
        var messaging = await _servers.RabbitMq.CreateVirtualHostAsync(VirtualHost);
        _system = await AcquireAsync(await ConfigureAsync(_servers, new DentistimoSystemOptions
        {
            Configuration = TestBuild.Configuration,
            Environment = "Development",
            BookingDatabase = BookingDb,
            NotifierDatabase = NotifierDb,
            Messaging = messaging,
            CacheKeyPrefix = $"test-{_suffix}:",
        }));
        await _system.StartAsync();
        Running = new RunningDentistimo(_system.Web.Url, _system.BookingApi.Url, _servers.MailDev.WebUrl);
    }

    public virtual async Task DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }

        if (await _servers.Postgres.IsAnsweringAsync())
        {
            await _servers.Postgres.DropDatabaseAsync(BookingDb);
            await _servers.Postgres.DropDatabaseAsync(NotifierDb);
        }

        if (await _servers.RabbitMq.IsAnsweringAsync())
        {
            await _servers.RabbitMq.DeleteVirtualHostAsync(VirtualHost);
        }
    }

    private async Task<DentistimoSystem> AcquireAsync(DentistimoSystemOptions options)
    {
        foreach (var port in s_portBases.Where(port => Ports.IsFree(port) && Ports.IsFree(port + 1) && Ports.IsFree(port + 2)))
        {
            try
            {
                return await DentistimoSystem.AcquireAsync(_servers, options with { WebPort = port, BookingApiPort = port + 1, NotifierPort = port + 2 });
            }
            catch (InvalidOperationException)
            {
                // Another test run owns the services on these ports.
            }
        }

        throw new InvalidOperationException($"No free ports for the services at any of {string.Join(", ", s_portBases)} (+0, +1, +2).");
    }
}
