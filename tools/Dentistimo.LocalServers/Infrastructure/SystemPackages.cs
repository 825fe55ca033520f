namespace Dentistimo.LocalServers.Infrastructure;

/// <summary>A Debian package, and the program (absolute path, or a name looked up on PATH) that shows it is installed.</summary>
internal sealed record SystemPackage(string Name, string Program)
{
    public bool IsInstalled => Path.IsPathRooted(Program) ? File.Exists(Program) : FindOnPath(Program) is not null;

    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);
}

/// <summary>Installs missing Debian packages with apt-get, once per machine at a time.</summary>
internal static class SystemPackages
{
    private const string PolicyFile = "/usr/sbin/policy-rc.d";
    private const string PolicyMarker = "# Written by Dentistimo.LocalServers";
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);
    private static bool s_listsUpdated;

    public static async Task EnsureInstalledAsync(IEnumerable<SystemPackage> packages, string stateDirectory, Action<string> log, CancellationToken ct)
    {
        var required = packages.DistinctBy(p => p.Name).ToList();
        if (required.All(p => p.IsInstalled))
        {
            return;
        }

        await OneAtATime.WaitAsync(ct);
        try
        {
            using var installLock = await FileLock.AcquireAsync(
                Path.Combine(stateDirectory, "locks", "apt.lock"), "installing packages", TimeSpan.FromMinutes(20), log, ct);
            var missing = required.Where(p => !p.IsInstalled).Select(p => p.Name).ToList();
            if (missing.Count == 0)
            {
                return; // another process installed them while we waited
            }

            if (!Posix.IsRoot)
            {
                throw new InvalidOperationException(
                    $"Missing Debian packages: {string.Join(' ', missing)}. Install them with:\n" +
                    $"  sudo apt-get update && sudo apt-get install -y --no-install-recommends {string.Join(' ', missing)}");
            }

            log($"Installing {string.Join(' ', missing)} with apt-get (a few minutes on a fresh machine)...");
            using (PreventServiceAutoStart())
            {
                var apt = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
                if (!s_listsUpdated)
                {
                    await Command.RunAsync(new("apt-get", ["update"]) { Environment = apt }, ct, TimeSpan.FromMinutes(10));
                    s_listsUpdated = true;
                }

                await Command.RunAsync(
                    new("apt-get", ["install", "-y", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", .. missing]) { Environment = apt },
                    ct, TimeSpan.FromMinutes(20));
            }

            log($"Installed {string.Join(' ', missing)}.");
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    /// <summary>
    /// Debian starts a package's default daemon on install (PostgreSQL on 5432, Redis on 6379, RabbitMQ on 5672).
    /// Ours use other ports, so those would only cost memory; a policy-rc.d that answers 101 tells invoke-rc.d not to.
    /// </summary>
    private static IDisposable? PreventServiceAutoStart()
    {
        if (File.Exists(PolicyFile) && !File.ReadAllText(PolicyFile).Contains(PolicyMarker))
        {
            return null; // the machine has its own policy (container images usually do); leave it be
        }

        File.WriteAllText(PolicyFile, $"#!/bin/sh\n{PolicyMarker} while installing packages; it removes this file afterwards.\nexit 101\n");
        File.SetUnixFileMode(PolicyFile, (UnixFileMode)Convert.ToInt32("755", 8));
        return new Removal(PolicyFile);
    }

    private sealed class Removal(string path) : IDisposable
    {
        public void Dispose() => File.Delete(path);
    }
}
