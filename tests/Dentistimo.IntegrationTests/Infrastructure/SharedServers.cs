using Dentistimo.LocalServers;

namespace Dentistimo.IntegrationTests.Infrastructure;

/// <summary>
/// The real PostgreSQL, Redis, RabbitMQ and MailDev, started by the same code as the launcher (and reused if the
/// launcher already runs them). Started once per test run; left running afterwards, which makes the next run fast.
/// </summary>
public static class SharedServers
{
    private static readonly Lazy<Task<Dentistimo.LocalServers.LocalServers>> s_started = new(StartAsync);

    public static Task<Dentistimo.LocalServers.LocalServers> GetAsync() => s_started.Value;

    private static async Task<Dentistimo.LocalServers.LocalServers> StartAsync()
    {
        var servers = Dentistimo.LocalServers.LocalServers.ForRepository();
        await servers.StartAsync();
        return servers;
    }
}
