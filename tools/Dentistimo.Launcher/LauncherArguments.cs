using System.Globalization;
using Dentistimo.LocalServers;

namespace Dentistimo.Launcher;

internal enum LauncherCommand
{
    Run,
    Stop,
    Backup,
    Backups,
    Restore,
}

/// <summary>The launcher's command line: a command word (none to run the system), then that command's options.</summary>
internal sealed record LauncherArguments
{
    public const string Usage = """
        Usage: Dentistimo.Launcher [--no-build] [--backup-every <hours>] [--keep <n>]
                   run the system; back up PostgreSQL every 6 hours (0: never), keeping the newest 8 backups
               Dentistimo.Launcher stop
                   stop the servers that test runs leave running
               Dentistimo.Launcher backup [--keep <n>]
                   back up the databases and the whole PostgreSQL cluster now, keeping the newest 8 backups
               Dentistimo.Launcher backups
                   list the backups, and how far back and forward point-in-time recovery reaches
               Dentistimo.Launcher restore <backup|latest> [--to <time|end>]
                   restore the databases from a backup's dumps; or, with --to, the whole cluster as it was at that time
                   (ISO 8601, local time unless it ends in Z or an offset), or with every change archived (end)
        """;

    public LauncherCommand Command { get; private init; } = LauncherCommand.Run;

    /// <summary>Run: whether to build the services first.</summary>
    public bool Build { get; private init; } = true;

    /// <summary>Run: how often to back up while the system runs; null for never.</summary>
    public TimeSpan? BackupInterval { get; private init; } = TimeSpan.FromHours(6);

    public int KeepBackups { get; private init; } = PostgresBackups.DefaultKeep;

    /// <summary>Restore: the backup's name, or <see cref="BackupCommands.Latest"/>.</summary>
    public string? Backup { get; private init; }

    /// <summary>Restore: whether to recover the whole cluster from the base backup and the WAL archive, rather than the dumps.</summary>
    public bool PointInTime { get; private init; }

    /// <summary>Restore with <see cref="PointInTime"/>: the time to recover to; null for the end of the archive.</summary>
    public DateTimeOffset? RecoveryTarget { get; private init; }

    /// <exception cref="FormatException">Saying what is wrong with <paramref name="args"/>.</exception>
    public static LauncherArguments Parse(IReadOnlyList<string> args)
    {
        var command = args is [var first, ..] && !first.StartsWith("--", StringComparison.Ordinal) ? CommandNamed(first) : LauncherCommand.Run;
        var parsed = new LauncherArguments { Command = command };
        var rest = new Queue<string>(command == LauncherCommand.Run ? args : args.Skip(1));
        while (rest.TryDequeue(out var argument))
        {
            parsed = (command, argument) switch
            {
                (LauncherCommand.Run, "--no-build") => parsed with { Build = false },
                (LauncherCommand.Run, "--backup-every") => parsed with { BackupInterval = Interval(ValueOf(argument, rest)) },
                (LauncherCommand.Run or LauncherCommand.Backup, "--keep") => parsed with { KeepBackups = Count(ValueOf(argument, rest)) },
                (LauncherCommand.Restore, "--to") => parsed with { PointInTime = true, RecoveryTarget = Target(ValueOf(argument, rest)) },
                (LauncherCommand.Restore, _) when parsed.Backup is null && !argument.StartsWith("--", StringComparison.Ordinal) => parsed with { Backup = argument },
                _ => throw new FormatException($"'{argument}' is not an option of the {command.ToString().ToLowerInvariant()} command."),
            };
        }

        return command == LauncherCommand.Restore && parsed.Backup is null
            ? throw new FormatException($"restore needs the backup to restore from: a name that the backups command lists, or {BackupCommands.Latest}.")
            : parsed;
    }

    private static LauncherCommand CommandNamed(string name) => name switch
    {
        "stop" => LauncherCommand.Stop,
        "backup" => LauncherCommand.Backup,
        "backups" => LauncherCommand.Backups,
        "restore" => LauncherCommand.Restore,
        _ => throw new FormatException($"'{name}' is not a command."),
    };

    private static string ValueOf(string option, Queue<string> rest) =>
        rest.TryDequeue(out var value) ? value : throw new FormatException($"{option} needs a value.");

    private static TimeSpan? Interval(string hours) =>
        double.TryParse(hours, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value == 0 ? null : TimeSpan.FromHours(value)
            : throw new FormatException($"--backup-every takes a number of hours, not '{hours}'.");

    private static int Count(string count) =>
        int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1
            ? value
            : throw new FormatException($"--keep takes a number of backups of at least 1, not '{count}'.");

    private static DateTimeOffset? Target(string time) =>
        time == "end" ? null
        : DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var value) ? value
        : throw new FormatException($"--to takes a time such as 2026-11-22T14:05:00+01:00, or end, not '{time}'.");
}
