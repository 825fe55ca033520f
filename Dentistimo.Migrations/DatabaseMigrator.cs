using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Dentistimo.ServiceDefaults;
using Npgsql;

namespace Dentistimo.Migrations;

/// <summary>Runs after the migrations on every start, so it must be idempotent.</summary>
public interface IDatabaseSeeder<in TContext> where TContext : DbContext
{
    Task SeedAsync(TContext context, CancellationToken cancellationToken);
}

public static class DatabaseMigrationExtensions
{
    /// <summary>In the background, so the service starts and /health says what it waits for.</summary>
    public static IServiceCollection AddMigration<TContext>(this IServiceCollection services, string databaseName)
        where TContext : DbContext
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DatabaseMigrator<TContext>>(sp => ActivatorUtilities.CreateInstance<DatabaseMigrator<TContext>>(sp, databaseName));
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseMigrator<TContext>>());
        services.AddSingleton<IStartupWork>(sp => sp.GetRequiredService<DatabaseMigrator<TContext>>());
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TContext>>(databaseName, tags: [ServiceDefaultsExtensions.ReadinessTag]);
        return services;
    }

    public static IServiceCollection AddMigration<TContext, TSeeder>(this IServiceCollection services, string databaseName)
        where TContext : DbContext
        where TSeeder : class, IDatabaseSeeder<TContext>
    {
        services.AddScoped<IDatabaseSeeder<TContext>, TSeeder>();
        return services.AddMigration<TContext>(databaseName);
    }
}

public sealed class DatabaseMigrator<TContext>(
    string databaseName,
    IServiceScopeFactory scopeFactory,
    TimeProvider timeProvider,
    ILogger<DatabaseMigrator<TContext>> logger) : BackgroundService, IStartupWork
    where TContext : DbContext
{
    private static readonly ActivitySource s_activitySource = new("Dentistimo.Migrations");
    private static readonly TimeSpan s_maxRetryDelay = TimeSpan.FromSeconds(10);

    public const long MigrationLockKey = 0x6D696772; // "migr"
    private readonly TaskCompletionSource _migrated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string DatabaseName => databaseName;
    public bool IsMigrated => _migrated.Task.IsCompletedSuccessfully;
    /// <summary>Why the latest attempt failed; null again once a later attempt reaches PostgreSQL.</summary>
    public string? LastError { get; private set; }

    public Task Migrated => _migrated.Task;

    string IStartupWork.Name => databaseName;

    // An attempt that failed, and the wait for the next, are no longer the expected start: the health check tells them.
    string? IStartupWork.StillRunningMessage => _migrated.Task.IsCompleted || LastError is not null ? null : $"Database '{databaseName}' is being migrated.";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await MigrateAndSeedAsync(stoppingToken);
                _migrated.TrySetResult();
                logger.LogInformation("Database {Database} is migrated and seeded", databaseName);
                return;
            }
            catch (Exception exception) when (IsTransient(exception) && !stoppingToken.IsCancellationRequested)
            {
                LastError = $"PostgreSQL is unreachable for database '{databaseName}': {exception.GetBaseException().Message}";
                logger.LogWarning("{Error}; retrying in {Delay}", LastError, delay);
                await Task.Delay(delay, timeProvider, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxRetryDelay.Ticks));
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The host stops on this exception; a non-zero exit makes the dashboard and orchestrators show a failure.
                LastError = $"Database '{databaseName}' could not be migrated: {exception.GetBaseException().Message}";
                logger.LogCritical(exception, "{Error}", LastError);
                Environment.ExitCode = 1;
                _migrated.TrySetException(exception);
                throw;
            }
        }
    }

    private async Task MigrateAndSeedAsync(CancellationToken cancellationToken)
    {
        using var activity = s_activitySource.StartActivity($"Migrate {databaseName}");
        await using var scope = scopeFactory.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<TContext>();
        await CreateDatabaseIfMissingAsync(context, cancellationToken);

        // Replicas start together, and EF Core's migration lock let two apply the same migration. This session lock
        // covers seeding too, and a crash releases it.
        await context.Database.OpenConnectionAsync(cancellationToken);
        // PostgreSQL answers again, so the migration runs as on any start and the previous attempt's error is past.
        LastError = null;
        try
        {
            await context.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
            // Created first, so EF Core does not log the expected "does not exist" as a failure (npgsql/efcore.pg#3407).
            await context.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
            await RefuseUnknownMigrationsAsync(context, cancellationToken);
            await context.Database.MigrateAsync(cancellationToken);
            if (scope.ServiceProvider.GetService<IDatabaseSeeder<TContext>>() is { } seeder)
            {
                await seeder.SeedAsync(context, cancellationToken);
            }
        }
        finally
        {
            await ReleaseLockAsync(context);
        }
    }

    // EF Core ignores applied migrations it does not know and then fails on the first table that already exists.
    private async Task RefuseUnknownMigrationsAsync(TContext context, CancellationToken cancellationToken)
    {
        var unknown = (await context.Database.GetAppliedMigrationsAsync(cancellationToken)).Except(context.Database.GetMigrations()).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"Database '{databaseName}' has migrations this build does not know ({string.Join(", ", unknown)}): another version of " +
                "Dentistimo made it. On a developer's machine, stop the AppHost and delete .local/apphost/postgres to start with a new one.");
        }
    }

    private static async Task CreateDatabaseIfMissingAsync(TContext context, CancellationToken cancellationToken)
    {
        var creator = context.GetService<IRelationalDatabaseCreator>();
        try
        {
            if (!await creator.ExistsAsync(cancellationToken))
            {
                await creator.CreateAsync(cancellationToken);
            }
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another instance created it meanwhile.
        }
    }

    // A pooled connection keeps its session, so the lock is released by hand.
    private static async Task ReleaseLockAsync(TContext context)
    {
        try
        {
            await context.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            // The connection broke, and its session with it, and so the lock.
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }

    private static bool IsTransient(Exception exception) =>
        exception is NpgsqlException { IsTransient: true } or TimeoutException or System.Net.Sockets.SocketException
        || exception.InnerException is { } inner && IsTransient(inner);
}

internal sealed class DatabaseHealthCheck<TContext>(DatabaseMigrator<TContext> migrator, IServiceScopeFactory scopeFactory) : IHealthCheck
    where TContext : DbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!migrator.IsMigrated)
        {
            return HealthCheckResult.Unhealthy(migrator.LastError ?? $"Database '{migrator.DatabaseName}' is being migrated.");
        }

        try
        {
            await using var scope = scopeFactory.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<TContext>().Database;
            return await database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"PostgreSQL is unreachable for database '{migrator.DatabaseName}'.");
        }
        catch (Exception exception)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL is unreachable for database '{migrator.DatabaseName}': {exception.GetBaseException().Message}");
        }
    }
}
