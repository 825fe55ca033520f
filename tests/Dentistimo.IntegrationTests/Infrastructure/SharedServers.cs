namespace Dentistimo.IntegrationTests.Infrastructure;

/// <summary>The AppHost's servers (<see cref="AppHostServers"/>), started once per test run, for every test class.</summary>
public static class SharedServers
{
    private static readonly Lazy<Task<AppHostServers>> s_started = new(AppHostServers.StartAsync);

    public static Task<AppHostServers> GetAsync() => s_started.Value;
}
