using System.Security.Cryptography;
using Dentistimo.LocalServers.Infrastructure;

namespace Dentistimo.LocalServers;

/// <summary>
/// The three Dentistimo services, run from their build output against <see cref="LocalServerSet"/> with the configuration
/// the Aspire AppHost would give them. One process at a time owns them (per web port); see <see cref="AcquireAsync"/>.
/// </summary>
public sealed class DentistimoSystem : IAsyncDisposable
{
    private readonly FileLock _ownership;

    private DentistimoSystem(LocalServerSet servers, DentistimoSystemOptions options, string repositoryRoot, FileLock ownership)
    {
        _ownership = ownership;
        RepositoryRoot = repositoryRoot;
        var messaging = options.Messaging ?? servers.RabbitMq.ConnectionString;
        var webUrl = $"http://127.0.0.1:{options.WebPort}";
        var bookingApiUrl = $"http://127.0.0.1:{options.BookingApiPort}";

        DentistimoService Service(string name, string project, int port, Dictionary<string, string> environment)
        {
            environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            environment["ASPNETCORE_ENVIRONMENT"] = options.Environment;
            environment["OTEL_SERVICE_NAME"] = name;
            return new DentistimoService(name, project, port, repositoryRoot, servers.StateDirectory, options, environment);
        }

        var bookingApiEnvironment = new Dictionary<string, string>
        {
            ["ConnectionStrings__bookingdb"] = servers.Postgres.ConnectionString(options.BookingDatabase),
            ["ConnectionStrings__cache"] = servers.Redis.ConnectionString,
            ["ConnectionStrings__messaging"] = messaging,
        };
        if (options.CacheKeyPrefix is { } cacheKeyPrefix)
        {
            bookingApiEnvironment["Booking__CacheKeyPrefix"] = cacheKeyPrefix;
        }

        var notifierEnvironment = new Dictionary<string, string>
        {
            ["ConnectionStrings__notifierdb"] = servers.Postgres.ConnectionString(options.NotifierDatabase),
            ["ConnectionStrings__messaging"] = messaging,
            ["ConnectionStrings__mail"] = options.Mail ?? servers.MailDev.ConnectionString,
            ["Email__PublicBaseUrl"] = webUrl,
        };
        if (options.NotifierTrustedAuthorities is { } trustedAuthorities)
        {
            notifierEnvironment["SSL_CERT_FILE"] = trustedAuthorities;
        }

        // BookingApi seals the patient's name and email address in its events and the notifier opens them, with one key
        // (RecipientSeal:Key). In Development both fall back to the same development key, so the launcher's events still
        // open after a restart. Elsewhere (the benchmarks run Production) they need one, as the AppHost gives them: a new
        // one per run will do, since a benchmark's notifier reads only events of its own run.
        if (!string.Equals(options.Environment, "Development", StringComparison.OrdinalIgnoreCase))
        {
            var recipientSealKey = options.RecipientSealKey ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
            bookingApiEnvironment["RecipientSeal__Key"] = recipientSealKey;
            notifierEnvironment["RecipientSeal__Key"] = recipientSealKey;
        }

        BookingApi = Service("bookingapi", "Dentistimo.BookingApi", options.BookingApiPort, bookingApiEnvironment);
        Notifier = Service("notifier", "Dentistimo.Notifier", options.NotifierPort, notifierEnvironment);
        Web = Service("web", "Dentistimo.Web", options.WebPort, new()
        {
            ["ConnectionStrings__messaging"] = messaging,
            ["services__bookingapi__http__0"] = bookingApiUrl,
        });
    }

    /// <summary>The folder holding Dentistimo.sln, whose projects' build output is run.</summary>
    public string RepositoryRoot { get; }

    public DentistimoService BookingApi { get; }

    public DentistimoService Notifier { get; }

    public DentistimoService Web { get; }

    public IReadOnlyList<DentistimoService> Services => [BookingApi, Notifier, Web];

    /// <summary>
    /// Takes ownership of the services for this process, stopping any copies left running by one that died.
    /// Throws if another launcher or test run owns them now; disposing the result stops the services and lets go.
    /// Nothing is started yet: start the servers, build if needed, then call <see cref="StartAsync"/>.
    /// </summary>
    public static async Task<DentistimoSystem> AcquireAsync(LocalServerSet servers, DentistimoSystemOptions? options = null, CancellationToken ct = default)
    {
        options ??= new DentistimoSystemOptions();
        var lockFile = Path.Combine(servers.StateDirectory, "locks", $"services-{options.WebPort}.lock");
        var ownership = FileLock.TryAcquire(lockFile) ?? throw new InvalidOperationException(
            $"The Dentistimo services (web port {options.WebPort}) are already run by another process, a launcher or a test run " +
            $"(it holds {lockFile}). Stop that one first, e.g. with Ctrl-C in the launcher's terminal.");
        var system = new DentistimoSystem(servers, options, Repository.FindRoot(), ownership);
        foreach (var service in system.Services)
        {
            await service.StopLeftoverAsync(servers.Log, ct);
        }

        return system;
    }

    /// <summary>Starts the three services together and returns once each answers GET /health with 200.</summary>
    public Task StartAsync(CancellationToken ct = default) => Task.WhenAll(Services.Select(service => service.StartAsync(ct)));

    public Task StopAsync(CancellationToken ct = default) => Task.WhenAll(Services.Select(service => service.StopAsync(ct)));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _ownership.Dispose();
        }
    }
}
