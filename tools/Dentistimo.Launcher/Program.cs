// Runs the whole Dentistimo system on this machine, without containers:
//
//   dotnet run --project tools/Dentistimo.Launcher              install what is missing, start the servers, build,
//                                                                start the services, wait; Ctrl-C stops everything
//   dotnet run --project tools/Dentistimo.Launcher -- --no-build   the same with the existing Release build
//   dotnet run --project tools/Dentistimo.Launcher -- stop         stop the servers that test runs leave running
//   dotnet run --project tools/Dentistimo.Launcher -- backup       back up PostgreSQL now (the system does every 6 h)
//   dotnet run --project tools/Dentistimo.Launcher -- backups      list the backups
//   dotnet run --project tools/Dentistimo.Launcher -- restore ...  restore the databases, or the cluster to a point in time
// LauncherArguments.Usage has every option.
using System.Diagnostics;
using System.Runtime.InteropServices;
using Dentistimo.Launcher;
using Dentistimo.LocalServers;

LauncherArguments arguments;
try
{
    arguments = LauncherArguments.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LauncherArguments.Usage);
    return 2;
}

var servers = LocalServerSet.ForRepository();
var options = new DentistimoSystemOptions { Output = Console.WriteLine };
switch (arguments.Command)
{
    case LauncherCommand.Stop:
        return await StopLeftRunningAsync(servers);
    case LauncherCommand.Backup or LauncherCommand.Backups or LauncherCommand.Restore:
        return await BackupCommands.RunAsync(arguments, servers, options.Databases);
}

using var shutdown = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestShutdown);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestShutdown);

DentistimoSystem system;
try
{
    system = await DentistimoSystem.AcquireAsync(servers, options, shutdown.Token);
}
catch (InvalidOperationException e)
{
    // Another launcher is running: leave its servers and services alone.
    Console.Error.WriteLine(e.Message);
    return 1;
}

var exitCode = 0;
try
{
    await servers.StartAsync(shutdown.Token);
    if (arguments.Build)
    {
        await BuildAsync(system.RepositoryRoot, shutdown.Token);
    }

    Console.WriteLine($"Starting the services (logs in {Path.GetDirectoryName(system.Web.LogFile)})...");
    await system.StartAsync(shutdown.Token);
    PrintAddresses(system, servers, arguments);
    await (arguments.BackupInterval is { } interval
        ? BackupCommands.RunScheduleAsync(servers.Postgres.Backups, options.Databases, interval, arguments.KeepBackups, shutdown.Token)
        : Task.Delay(Timeout.Infinite, shutdown.Token));
}
catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
{
}
catch (Exception e)
{
    Console.Error.WriteLine($"Failed: {e.Message}");
    exitCode = 1;
}
finally
{
    Console.WriteLine("Stopping the services and the servers...");
    try
    {
        await system.DisposeAsync();
        await servers.StopAsync();
        Console.WriteLine("Stopped.");
    }
    catch (Exception e)
    {
        Console.Error.WriteLine($"Failed to stop: {e.Message}");
        exitCode = 1;
    }
}

return exitCode;

void RequestShutdown(PosixSignalContext signal)
{
    // The first Ctrl-C stops everything cleanly; a second one ends the launcher at once.
    if (!shutdown.IsCancellationRequested)
    {
        signal.Cancel = true;
        shutdown.Cancel();
    }
}

static async Task BuildAsync(string repositoryRoot, CancellationToken ct)
{
    // Only what the launcher runs: the services and what they reference, so a test project mid-change cannot stop it.
    var solutionFilter = Path.Combine(repositoryRoot, "tools", "Dentistimo.Launcher", "Dentistimo.Services.slnf");
    Console.WriteLine($"Building {Path.GetFileName(solutionFilter)} (Release)...");
    using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", solutionFilter, "-c", "Release", "-nologo", "-v", "minimal"]))!;
    try
    {
        await build.WaitForExitAsync(ct);
    }
    catch (OperationCanceledException)
    {
        build.Kill(entireProcessTree: true);
        throw;
    }

    if (build.ExitCode != 0)
    {
        throw new InvalidOperationException($"the build failed (exit code {build.ExitCode}); see its output above.");
    }
}

static void PrintAddresses(DentistimoSystem system, LocalServerSet servers, LauncherArguments arguments)
{
    var backups = arguments.BackupInterval is { } interval
        ? $"every {interval.TotalHours:0.##} h into {servers.Postgres.Backups.Folder}, the newest {arguments.KeepBackups} kept"
        : "none while running (--backup-every 0)";
    Console.WriteLine($"""

        Dentistimo is running.
          Web                  {system.Web.Url}
          Booking API          {system.BookingApi.Url}   (OpenAPI: {new Uri(system.BookingApi.Url, "/openapi/v1.json")})
          Notifier             {system.Notifier.Url}
          MailDev inbox        {servers.MailDev.WebUrl}
          RabbitMQ management  {servers.RabbitMq.ManagementUrl}   (login {servers.RabbitMq.Username} / {servers.RabbitMq.Password})
          PostgreSQL           {servers.Postgres.ConnectionString(database: "bookingdb")}
          Redis                {servers.Redis.ConnectionString}
        Service logs: {Path.GetDirectoryName(system.Web.LogFile)}; server logs: {servers.StateDirectory}/<server>/.
        Backups: {backups}.
        Press Ctrl-C to stop everything.

        """);
}

// For servers left running by test runs, which leave them up so the next run starts fast.
static async Task<int> StopLeftRunningAsync(LocalServerSet servers)
{
    try
    {
        // Owning the services first means no launcher is using these servers right now.
        await using var system = await DentistimoSystem.AcquireAsync(servers);
        await servers.StopAsync();
        return 0;
    }
    catch (InvalidOperationException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
}
