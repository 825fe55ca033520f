using Dentistimo.LocalServers.Infrastructure;

namespace Dentistimo.LocalServers;

/// <summary>
/// MailDev 2.2.1 from npm: an SMTP server that keeps every mail it gets and shows them in a web inbox with a REST API
/// (GET /email, DELETE /email/all). The exact dependency tree is pinned by the package-lock.json shipped in this assembly.
/// </summary>
public sealed class MailDevServer : LocalServer
{
    internal MailDevServer(ServerContext context) : base(context, "MailDev", 1125, "maildev")
    {
    }

    public int SmtpPort => Port;

    public int WebPort => Port + 55;

    /// <summary>The web inbox, also the base of its REST API.</summary>
    public Uri WebUrl => new($"http://127.0.0.1:{WebPort}/");

    /// <summary>The SMTP endpoint in the form Aspire's MailDev integration hands to services.</summary>
    public string ConnectionString => $"Endpoint=smtp://127.0.0.1:{SmtpPort}";

    public override string LogFile => Path.Combine(Folder, "maildev.log");

    private string EntryPoint => Path.Combine(Folder, "node_modules", "maildev", "bin", "maildev");

    private string MailFolder => Path.Combine(Folder, "mail");

    /// <summary>
    /// MailDev reads and parses every email in its folder when it starts: tens of thousands, after a day of tests and
    /// benchmarks, kept a core busy for minutes. Only the last hour's are kept across a restart.
    /// </summary>
    public static readonly TimeSpan KeptAcrossRestart = TimeSpan.FromHours(1);

    public override async Task<bool> IsAnsweringAsync(CancellationToken ct = default) =>
        await Probe.IsHttpOkAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(WebUrl, "healthz")), ct) && await Probe.IsPortOpenAsync(SmtpPort, ct);

    internal override IReadOnlyList<SystemPackage> RequiredPackages => [new("nodejs", "node"), new("npm", "npm")];

    private protected override (string Path, string CommandFragment) PidFile => (Path.Combine(Folder, "maildev.pid"), "maildev");

    private protected override async Task LaunchAsync(CancellationToken ct)
    {
        await InstallAsync(ct);
        RemoveOldEmails();
        var node = SystemPackage.FindOnPath("node") ?? throw new InvalidOperationException("node is not on PATH.");
        await StartDaemonAsync(
            new(node, [EntryPoint, "--smtp", $"{SmtpPort}", "--web", $"{WebPort}", "--ip", "127.0.0.1", "--web-ip", "127.0.0.1",
                "--mail-directory", MailFolder]),
            ct);
    }

    private void RemoveOldEmails()
    {
        if (!Directory.Exists(MailFolder))
        {
            return;
        }

        // Each email is an .eml file, with a folder of the same name for its attachments.
        var removed = 0;
        foreach (var entry in new DirectoryInfo(MailFolder).EnumerateFileSystemInfos())
        {
            if (DateTime.UtcNow - entry.LastWriteTimeUtc > KeptAcrossRestart)
            {
                if (entry is DirectoryInfo attachments)
                {
                    attachments.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                    removed++;
                }
            }
        }

        if (removed > 0)
        {
            Log($"Removed {removed:N0} emails older than {KeptAcrossRestart.TotalHours:0} hour from {MailFolder}.");
        }
    }

    /// <summary>Installs with `npm ci` when MailDev is missing or the shipped lock file has changed since it was installed.</summary>
    private async Task InstallAsync(CancellationToken ct)
    {
        var lockFile = Path.Combine(Folder, "package-lock.json");
        var shippedLock = ReadShipped("package-lock.json");
        if (File.Exists(EntryPoint) && File.Exists(lockFile) && await File.ReadAllTextAsync(lockFile, ct) == shippedLock)
        {
            return;
        }

        Log($"Installing MailDev 2.2.1 with npm into {Folder}...");
        Directory.CreateDirectory(Folder);
        await File.WriteAllTextAsync(Path.Combine(Folder, "package.json"), ReadShipped("package.json"), ct);
        await File.WriteAllTextAsync(lockFile, shippedLock, ct);
        var npm = SystemPackage.FindOnPath("npm") ?? throw new InvalidOperationException("npm is not on PATH.");
        await Command.RunAsync(new(npm, ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = Folder }, ct, TimeSpan.FromMinutes(10));
    }

    private static string ReadShipped(string file)
    {
        using var stream = typeof(MailDevServer).Assembly.GetManifestResourceStream($"maildev/{file}")
            ?? throw new InvalidOperationException($"maildev/{file} is missing from {typeof(MailDevServer).Assembly.GetName().Name}.");
        return new StreamReader(stream).ReadToEnd();
    }
}
