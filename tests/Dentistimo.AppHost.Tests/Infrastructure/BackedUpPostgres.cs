using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Aspire.Hosting;
using Dentistimo.Testing;
using Npgsql;

namespace Dentistimo.AppHost.Tests.Infrastructure;

/// <summary>
/// The AppHost's PostgreSQL with its databases and backups, and nothing else of the model, for tests that back up,
/// restore and replace its whole cluster: a state folder and <see cref="PortOffset"/> of its own keep the other tests'
/// servers untouched. Each run starts from a new cluster with no backups.
/// </summary>
public sealed class BackedUpPostgres : IAsyncLifetime
{
    /// <summary>Clear of a developer's AppHost (0) and of the other tests' servers (1000 to 4000).</summary>
    public const int PortOffset = 5000;

    private const string StateDirectory = "../.local/apphost-backups";
    private static readonly string[] s_resources = ["servers-install", "postgres", "bookingdb", "notifierdb"];

    // A first run installs the servers and creates the cluster; a safety net for a hung start.
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(5);

    // A restore replaces the cluster and replays its WAL; a safety net for a hung command.
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(5);

    private DistributedApplication _app = null!;

    public AppHostPostgres Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(s_startTimeout);
        var builder = await AppHostServers.CreateBuilderAsync(StateDirectory, PortOffset, cts.Token);
        foreach (var other in builder.Resources.Where(resource => !s_resources.Contains(resource.Name)).ToList())
        {
            builder.Resources.Remove(other);
        }

        var state = Path.GetFullPath(StateDirectory, builder.AppHostDirectory);
        foreach (var folder in new[] { Path.Combine(state, "postgres"), Path.Combine(state, "backups") }.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }

        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);
        await Task.WhenAll(s_resources.Skip(1).Select(resource => _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token)));
        Server = new AppHostPostgres(_app, await _app.GetConnectionStringAsync("postgres", cts.Token)
            ?? throw new InvalidOperationException("postgres has no connection string."));
    }

    /// <summary>Runs one of the server's dashboard commands as an operator does, with the arguments the dashboard would ask for.</summary>
    public async Task<ExecuteCommandResult> RunCommandAsync(string command, params (string Name, string Value)[] arguments)
    {
        using var cts = new CancellationTokenSource(s_commandTimeout);
        var inputs = new InteractionInputCollection(arguments
            .Select(argument => new InteractionInput { Name = argument.Name, InputType = InputType.Text, Value = argument.Value })
            .ToList());
        var result = await _app.ResourceCommands.ExecuteCommandAsync(Server.ResourceName, command, inputs, cts.Token);
        // A restore ends the connections to the databases it replaces, idle pooled ones of this process too.
        NpgsqlConnection.ClearAllPools();
        return result;
    }

    public async Task DisposeAsync()
    {
        // Stopped and waited for, so that the next run finds the port and the data folder free.
        try
        {
            await Server.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
