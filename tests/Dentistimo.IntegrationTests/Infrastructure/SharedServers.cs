using Dentistimo.LocalServers;

namespace Dentistimo.IntegrationTests.Infrastructure;

/// <summary>
/// The real PostgreSQL, Redis, RabbitMQ and MailDev, started by the same code as the launcher (and reused if the
/// launcher already runs them). Started once per test run; left running afterwards, which makes the next run fast.
/// </summary>
public static class SharedServers
{
    private static readonly Lazy<Task<LocalServerSet>> s_started = new(StartAsync);

    public static Task<LocalServerSet> GetAsync() => s_started.Value;

    private static async Task<LocalServerSet> StartAsync()
    {
        var servers = LocalServerSet.ForRepository();
        await servers.StartAsync();
        return servers;
    }
}
