using System.Reflection;

namespace Dentistimo.Testing;

/// <summary>
/// The AppHost's servers (<see cref="AppHostServers"/>), started once per test run, for every test class of the test
/// project, where its <see cref="SharedServersAttribute"/> says.
/// </summary>
public static class SharedServers
{
    private static readonly Lazy<Task<AppHostServers>> s_started = new(() =>
    {
        var where = TestProjectServers();
        return AppHostServers.StartAsync(where.StateDirectory, where.PortOffset);
    });

    public static Task<AppHostServers> GetAsync() => s_started.Value;

    // xunit has loaded the test project's assembly before any of its tests runs.
    private static SharedServersAttribute TestProjectServers() =>
        AppDomain.CurrentDomain.GetAssemblies()
            .Where(assembly => !assembly.IsDynamic)
            .Select(assembly => assembly.GetCustomAttribute<SharedServersAttribute>())
            .OfType<SharedServersAttribute>()
            .SingleOrDefault()
        ?? throw new InvalidOperationException("The test project does not say where its servers run: it needs an assembly attribute SharedServers.");
}

/// <summary>
/// Where a test project's <see cref="SharedServers"/> keep their files (relative to the AppHost's folder) and how far
/// their ports are moved. Each test project has its own, since the test projects' servers may run at the same time
/// (docs/aspire.md lists them).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class SharedServersAttribute(string stateDirectory, int portOffset) : Attribute
{
    public string StateDirectory { get; } = stateDirectory;

    public int PortOffset { get; } = portOffset;
}
