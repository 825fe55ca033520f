namespace Dentistimo.LocalServers.Infrastructure;

/// <summary>A system user a server must run as, because the server refuses root (PostgreSQL) or its package expects it (RabbitMQ).</summary>
internal sealed record ServiceAccount(string Name, int Uid, int Gid, string Home)
{
    /// <summary>
    /// The account to switch to, or null to run as the current user: only root can switch users, and a
    /// developer who is not root runs the servers as themselves.
    /// </summary>
    public static ServiceAccount? ToRunAs(string name)
    {
        if (!Posix.IsRoot)
        {
            return null;
        }

        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length >= 6 && fields[0] == name)
            {
                return new ServiceAccount(name, int.Parse(fields[2]), int.Parse(fields[3]), fields[5]);
            }
        }

        throw new InvalidOperationException($"The system user '{name}' does not exist; it is created by the Debian package that provides the server.");
    }

    /// <summary>Creates <paramref name="directory"/> if needed and hands it (recursively) to <paramref name="account"/>, when there is one.</summary>
    public static async Task EnsureOwnedDirectoryAsync(string directory, ServiceAccount? account, Action<string> log, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        if (account is null)
        {
            return;
        }

        await Command.RunAsync(new("chown", ["-R", $"{account.Uid}:{account.Gid}", directory]), ct);
        MakeAncestorsTraversable(directory, account, log);
    }

    // The repository usually lives in a root-owned tree; the service user needs to pass through every parent folder.
    private static void MakeAncestorsTraversable(string directory, ServiceAccount account, Action<string> log)
    {
        for (var parent = Directory.GetParent(directory); parent is not null; parent = parent.Parent)
        {
            var mode = File.GetUnixFileMode(parent.FullName);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                log($"Letting the {account.Name} user pass through {parent.FullName} (chmod o+x).");
                File.SetUnixFileMode(parent.FullName, mode | UnixFileMode.OtherExecute);
            }
        }
    }
}
