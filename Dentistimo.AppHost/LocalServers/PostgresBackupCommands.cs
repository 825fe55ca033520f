using System.Globalization;
using System.Text;
using Dentistimo.AppHost.LocalServers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Aspire.Hosting;

public static class PostgresBackupCommands
{
    public const string BackUpNow = "back-up-now";
    public const string ListBackups = "list-backups";
    public const string Restore = "restore";

    public const string BackupArgument = "backup", RecoverToArgument = "to";

    public const string EndOfArchive = "end";

    public static IResourceBuilder<LocalPostgresResource> WithBackups(this IResourceBuilder<LocalPostgresResource> postgres)
    {
        var services = postgres.ApplicationBuilder.Services;
        services.AddOptions<PostgresBackupOptions>().BindConfiguration("Servers:Backups");
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new PostgresBackups(
            postgres.Resource,
            provider.GetRequiredService<ResourceCommandService>(),
            provider.GetRequiredService<ResourceNotificationService>(),
            provider.GetRequiredService<DistributedApplicationModel>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ResourceLoggerService>().GetLogger(postgres.Resource)));
        services.AddHostedService(provider => new PostgresBackupSchedule(
            postgres.Resource.Name,
            provider.GetRequiredService<PostgresBackups>(),
            provider.GetRequiredService<ResourceNotificationService>(),
            provider.GetRequiredService<IOptions<PostgresBackupOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ResourceLoggerService>().GetLogger(postgres.Resource)));

        return postgres
            .WithCommand(BackUpNow, "Back up now", async context =>
            {
                var backups = context.Services.GetRequiredService<PostgresBackups>();
                var keep = context.Services.GetRequiredService<IOptions<PostgresBackupOptions>>().Value.Keep;
                return await FailureOnErrorAsync(async () =>
                {
                    var backup = await backups.BackUpAsync(keep, context.CancellationToken);
                    return CommandResults.Success($"Backed up to {backup.Folder}, keeping the newest {keep} backups.");
                });
            },
            new CommandOptions
            {
                Description = "Dumps each database and takes a base backup of the whole cluster, for restores to any time since.",
                IconName = "Save",
                UpdateState = OperatorCommands.EnabledWhenHealthy,
            })
            .WithCommand(ListBackups, "List backups", context =>
                Task.FromResult(Listed(context.Services.GetRequiredService<PostgresBackups>())),
            new CommandOptions
            {
                Description = "The backups, oldest first, and how far point-in-time recovery reaches.",
                IconName = "History",
            })
            .WithCommand(Restore, "Restore…", context =>
                FailureOnErrorAsync(() => RestoreAsync(context.Services.GetRequiredService<PostgresBackups>(), context)),
            new CommandOptions
            {
                Description = "Restores the databases from a backup's dumps, or the whole cluster as it was at a time. " +
                    "The resources using the server are stopped meanwhile; what is replaced is kept aside, never deleted.",
                IconName = "ArrowUndo",
                Arguments =
                [
                    new InteractionInput
                    {
                        Name = BackupArgument,
                        Label = "Backup",
                        InputType = InputType.Text,
                        Value = PostgresBackups.Latest,
                        Description = $"A name that List backups shows, or {PostgresBackups.Latest}: the newest, or for a time the newest that finished by then.",
                    },
                    new InteractionInput
                    {
                        Name = RecoverToArgument,
                        Label = "Recover the cluster to",
                        InputType = InputType.Text,
                        Placeholder = $"2026-11-22T14:05:00+01:00, or {EndOfArchive}",
                        Description = "Empty: bookingdb and notifierdb from the backup's dumps. A time (ISO 8601, the AppHost's local time " +
                            $"unless it ends in Z or an offset): the whole cluster as it was then. {EndOfArchive}: with every change archived.",
                    },
                ],
            });
    }

    private static async Task<ExecuteCommandResult> RestoreAsync(PostgresBackups backups, ExecuteCommandContext context)
    {
        var name = context.Arguments.GetString(BackupArgument)?.Trim() is { Length: > 0 } given ? given : PostgresBackups.Latest;
        var to = context.Arguments.GetString(RecoverToArgument)?.Trim() ?? "";
        DateTimeOffset? target = null;
        if (to is not ("" or EndOfArchive))
        {
            if (!DateTimeOffset.TryParse(to, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var time))
            {
                return CommandResults.Failure($"'{to}' is not a time such as 2026-11-22T14:05:00+01:00, nor {EndOfArchive}.");
            }

            target = time;
        }

        var backup = backups.Find(name, target);
        if (backup is null)
        {
            return CommandResults.Failure(
                name != PostgresBackups.Latest ? $"No backup named {name} in {backups.Folder}; List backups shows them."
                : target is null ? $"No backups in {backups.Folder} yet."
                : $"No backup in {backups.Folder} finished by {target:u}.");
        }

        if (!backup.CanRecoverTo(target))
        {
            return CommandResults.Failure(
                $"Backup {backup.Name} finished at {backup.FinishedAt:u}, after {target:u}, so it cannot recover to then; {PostgresBackups.Latest} picks the newest one that can.");
        }

        if (to == "")
        {
            var renamed = await backups.RestoreDatabasesAsync(backup, context.CancellationToken);
            return CommandResults.Success($"Restored {string.Join(", ", backup.Databases)} from backup {backup.Name}" +
                (renamed.Count > 0 ? $"; the databases replaced are kept as {string.Join(", ", renamed)}." : "."));
        }

        await backups.RestoreClusterAsync(backup, target, context.CancellationToken);
        return CommandResults.Success(
            $"The cluster is as it was at {(target is null ? "the end of the WAL archive" : $"{target:O}")}, from backup {backup.Name}, and accepts writes.");
    }

    private static ExecuteCommandResult Listed(PostgresBackups backups)
    {
        var all = backups.List();
        if (all.Count == 0)
        {
            return CommandResults.Success($"No backups in {backups.Folder} yet.");
        }

        var text = new StringBuilder($"Backups in {backups.Folder}, oldest first:\n");
        foreach (var backup in all)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {backup.Name}   finished {backup.FinishedAt:u}   {string.Join(", ", backup.Databases)}");
        }

        if (backups.LastArchivedAt() is { } lastArchived)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Point-in-time recovery reaches from {all[0].FinishedAt:u} to about {lastArchived:u}, when the newest WAL segment was archived; a restore archives what the running server wrote since then first.");
        }

        return CommandResults.Success($"{all.Count} backup(s), the newest {all[^1].Name}.", text.ToString(), CommandResultFormat.Text, displayImmediately: true);
    }

    private static async Task<ExecuteCommandResult> FailureOnErrorAsync(Func<Task<ExecuteCommandResult>> command)
    {
        try
        {
            return await command();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException or NpgsqlException or TimeoutException)
        {
            return CommandResults.Failure(e.Message);
        }
    }
}
