using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dentistimo.AppHost.LocalServers;

public sealed class PostgresBackupOptions
{
    // Zero for none. The WAL archive makes every moment between recoverable; this sets how much WAL a recovery replays.
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);

    // Two days at one every 6 hours.
    public int Keep { get; set; } = 8;
}

internal sealed class PostgresBackupSchedule(
    string serverName, PostgresBackups backups, ResourceNotificationService notifications, PostgresBackupOptions options, TimeProvider time, ILogger log)
    : BackgroundService
{
    private static readonly TimeSpan s_retryDelay = TimeSpan.FromMinutes(15);

    // So that a backup taken meanwhile by the command counts.
    private static readonly TimeSpan s_longestSleep = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Interval <= TimeSpan.Zero)
        {
            return;
        }

        await notifications.WaitForResourceHealthyAsync(serverName, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var untilDue = (backups.List().LastOrDefault()?.StartedAt + options.Interval ?? time.GetUtcNow()) - time.GetUtcNow();
            if (untilDue > TimeSpan.Zero)
            {
                await Task.Delay(untilDue < s_longestSleep ? untilDue : s_longestSleep, time, stoppingToken);
                continue;
            }

            try
            {
                await backups.BackUpAsync(options.Keep, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("The scheduled backup failed; trying again in {Minutes} minutes. {Error}", s_retryDelay.TotalMinutes, e.Message);
                await Task.Delay(s_retryDelay, time, stoppingToken);
            }
        }
    }
}
