using System.Diagnostics;
using System.Text.RegularExpressions;
using Dentistimo.LocalServers.Infrastructure;

namespace Dentistimo.LocalServers;

/// <summary>One Dentistimo service run from its build output as a child process, the way the Aspire AppHost runs it.</summary>
public sealed partial class DentistimoService
{
    private const int TailLines = 40;

    /// <summary>Logs each health check that is not healthy, at warning or error level.</summary>
    private const string HealthCheckLogCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    /// <summary>
    /// How long a service may take to shut down after SIGTERM before it is killed: what container platforms give
    /// (Kubernetes' and Azure Container Apps' default grace period), so that shutdown is exercised against the
    /// deadline it has in production. Services set their own shutdown timeout below it (ServiceDefaults).
    /// </summary>
    public static readonly TimeSpan ShutdownGracePeriod = TimeSpan.FromSeconds(30);

    private readonly string _project;
    private readonly string _repositoryRoot;
    private readonly DentistimoSystemOptions _options;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Queue<string> _tail = new();
    private readonly string _pidFile;
    private Process? _process;
    private StreamWriter? _log;
    private bool _startedBefore;

    /// <summary>
    /// Until GET /health first answers 200, every poll of it finds the service still migrating or connecting, and the
    /// service logs that as failed checks. Expected, and caused by the polling itself: those entries go to the log file
    /// and the tail a failure shows, not to the console.
    /// </summary>
    private bool _awaitingHealth;

    /// <summary>Whether the console entry being read (a first line and its indented continuation) is one of those.</summary>
    private bool _withinStartupHealthEntry;

    internal DentistimoService(
        string name, string project, int port, string repositoryRoot, string stateDirectory,
        DentistimoSystemOptions options, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        _project = project;
        _repositoryRoot = repositoryRoot;
        _options = options;
        _environment = environment;
        Url = new Uri($"http://127.0.0.1:{port}");
        // Named by port too: the launcher, a test run and a benchmark may each run their own copy side by side, and must
        // neither write into each other's log nor take each other's process for a leftover to stop.
        LogFile = Path.Combine(stateDirectory, "logs", $"{name}-{port}.log");
        _pidFile = Path.Combine(stateDirectory, "pids", $"{name}-{port}.pid");
    }

    /// <summary>The Aspire resource name, also its OTEL_SERVICE_NAME: bookingapi, notifier or web.</summary>
    public string Name { get; }

    public Uri Url { get; }

    /// <summary>Everything the service printed since this object first started it: a restart appends to it.</summary>
    public string LogFile { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// How the latest run ended: 0 when the service shut down by itself after SIGTERM, 137 (128 + SIGKILL) when it
    /// was killed, by <see cref="KillAsync"/> or for outlasting <see cref="ShutdownGracePeriod"/>; null before that.
    /// </summary>
    public int? LastExitCode { get; private set; }

    private string ProjectFolder => Path.Combine(_repositoryRoot, _project);

    private string Assembly => Path.Combine(ProjectFolder, "bin", _options.Configuration, "net10.0", $"{_project}.dll");

    /// <summary>Starts the service and returns once GET /health answers 200.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        if (IsRunning)
        {
            return;
        }

        if (!File.Exists(Assembly))
        {
            throw new FileNotFoundException(
                $"{Name}: {Assembly} does not exist. Build first: dotnet build Dentistimo.sln -c {_options.Configuration}", Assembly);
        }

        if (await Probe.IsPortOpenAsync(Url.Port, ct))
        {
            throw new InvalidOperationException($"Cannot start {Name}: another program already listens on {Url}.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(LogFile)!);
        Directory.CreateDirectory(Path.GetDirectoryName(_pidFile)!);
        _log = new StreamWriter(LogFile, append: _startedBefore) { AutoFlush = true };
        _startedBefore = true;
        _tail.Clear();
        _awaitingHealth = true;
        _withinStartupHealthEntry = false;
        _process = new Process { StartInfo = StartInfo(), EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Record(e.Data, fromConsoleLogger: true);
        _process.ErrorDataReceived += (_, e) => Record(e.Data, fromConsoleLogger: false);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await File.WriteAllTextAsync(_pidFile, $"{_process.Id}\n", ct);

        var health = new Uri(Url, "/health");
        try
        {
            if (!await Probe.UntilAsync(c => Probe.IsHttpOkAsync(new HttpRequestMessage(HttpMethod.Get, health), c), _options.HealthTimeout, ct, ThrowIfExited))
            {
                throw Failure($"did not answer GET {health} with 200 within {_options.HealthTimeout.TotalSeconds:0} s");
            }
        }
        finally
        {
            lock (_tail)
            {
                _awaitingHealth = false;
                _withinStartupHealthEntry = false;
            }
        }
    }

    /// <summary>
    /// Asks the service to shut down (SIGTERM, as Ctrl-C or a rolling deploy would) and kills it if it has not within
    /// <see cref="ShutdownGracePeriod"/>.
    /// </summary>
    public Task StopAsync(CancellationToken ct = default) => StopAsync(abrupt: false, ct);

    /// <summary>
    /// Kills the service at once (SIGKILL, as `kill -9`), with no chance to finish anything: a crash, for
    /// fault-injection tests. <see cref="StartAsync"/> afterwards starts it again.
    /// </summary>
    public Task KillAsync(CancellationToken ct = default) => StopAsync(abrupt: true, ct);

    private async Task StopAsync(bool abrupt, CancellationToken ct)
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            Posix.Signal(_process.Id, abrupt ? Posix.SigKill : Posix.SigTerm);
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(ct);
            grace.CancelAfter(ShutdownGracePeriod);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(ct);
            }
        }

        LastExitCode = _process.ExitCode;
        _process.Dispose();
        _process = null;
        lock (_tail)
        {
            _log?.Dispose();
            _log = null;
        }

        File.Delete(_pidFile);
    }

    /// <summary>Stops a copy of this service left running by a launcher or test run that died without stopping it.</summary>
    internal async Task StopLeftoverAsync(Action<string> log, CancellationToken ct)
    {
        if (Posix.ReadLivePid(_pidFile, $"{_project}.dll") is not { } pid)
        {
            return;
        }

        log($"Stopping {Name} (pid {pid}), left running by an earlier run that did not stop it.");
        Posix.Signal(pid, Posix.SigTerm);
        if (!await Probe.UntilAsync(_ => Task.FromResult(!Posix.IsRunning(pid, _project)), ShutdownGracePeriod, ct))
        {
            Posix.Signal(pid, Posix.SigKill);
        }

        File.Delete(_pidFile);
    }

    private ProcessStartInfo StartInfo()
    {
        // Working folder = project folder, so appsettings*.json and static files resolve as under `dotnet run`.
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = ProjectFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Assembly);

        // The caller's environment is inherited (so OTEL_EXPORTER_OTLP_* reach the service), minus any Aspire-style
        // settings meant for something else, which would otherwise mix with the ones given here.
        foreach (var inherited in info.Environment.Keys.Where(IsAspireSetting).ToList())
        {
            info.Environment.Remove(inherited);
        }

        foreach (var (key, value) in _environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    private static bool IsAspireSetting(string variable) =>
        variable.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) ||
        variable.StartsWith("services__", StringComparison.OrdinalIgnoreCase);

    /// <param name="fromConsoleLogger">Standard output, where the console logger writes; standard error is always shown.</param>
    private void Record(string? line, bool fromConsoleLogger)
    {
        if (line is null)
        {
            return;
        }

        bool echoed;
        lock (_tail)
        {
            _log?.WriteLine(line);
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }

            if (fromConsoleLogger && ConsoleLogEntryStart().IsMatch(line))
            {
                _withinStartupHealthEntry = _awaitingHealth && line.Contains(HealthCheckLogCategory, StringComparison.Ordinal);
            }

            echoed = !fromConsoleLogger || !_withinStartupHealthEntry;
        }

        if (echoed)
        {
            _options.Output?.Invoke($"[{Name}] {line}");
        }
    }

    /// <summary>The first line of an entry by .NET's console logger, such as <c>fail: Category[103]</c>.</summary>
    [GeneratedRegex("^(trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex ConsoleLogEntryStart();

    private void ThrowIfExited()
    {
        if (_process is { HasExited: true } exited)
        {
            throw Failure($"exited with code {exited.ExitCode} before it was healthy");
        }
    }

    private InvalidOperationException Failure(string what)
    {
        lock (_tail)
        {
            return new InvalidOperationException($"{Name} {what}. Its last output (all of it in {LogFile}):\n{string.Join('\n', _tail)}");
        }
    }
}
