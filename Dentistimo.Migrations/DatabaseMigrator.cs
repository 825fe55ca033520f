using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Dentistimo.Migrations;

/// <summary>Runs after the schema is current: idempotent seeding of reference data.</summary>
public interface IDatabaseSeeder<in TContext> where TContext : DbContext
{
    Task SeedAsync(TContext context, CancellationToken cancellationToken);
}

public static class DatabaseMigrationExtensions
{
    /// <summary>
    /// Applies <typeparamref name="TContext"/>'s migrations in the background, retrying while PostgreSQL is unreachable,
    /// so the service starts, says what it is waiting for, and answers /health as unhealthy until its database is ready.
    /// </summary>
    public static IServiceCollection AddMigration<TContext>(this IServiceCollection services, string databaseName)
        where TContext : DbContext
    {
        services.AddSingleton<DatabaseMigrator<TContext>>(sp => ActivatorUtilities.CreateInstance<DatabaseMigrator<TContext>>(sp, databaseName));
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseMigrator<TContext>>());
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
    ILogger<DatabaseMigrator<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    private static readonly ActivitySource s_activitySource = new("Dentistimo.Migrations");
    private static readonly TimeSpan s_maxRetryDelay = TimeSpan.FromSeconds(10);

    /// <summary>PostgreSQL's advisory locks are named by a number; this one, within the database, means "migrating".</summary>
    private const long MigrationLockKey = 0x6D696772; // "migr"
    private readonly TaskCompletionSource _migrated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string DatabaseName => databaseName;
    public bool IsMigrated => _migrated.Task.IsCompletedSuccessfully;
    public string? LastError { get; private set; }

    /// <summary>Completes once the schema is current; lets tests and dependants wait for it.</summary>
    public Task Migrated => _migrated.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await MigrateAndSeedAsync(stoppingToken);
                LastError = null;
                _migrated.TrySetResult();
                logger.LogInformation("Database {Database} is migrated and seeded", databaseName);
                return;
            }
            catch (Exception exception) when (IsTransient(exception) && !stoppingToken.IsCancellationRequested)
            {
                LastError = $"PostgreSQL is unreachable for database '{databaseName}': {exception.GetBaseException().Message}";
                logger.LogWarning("{Error}; retrying in {Delay}", LastError, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxRetryDelay.Ticks));
            }
        }
    }

    private async Task MigrateAndSeedAsync(CancellationToken cancellationToken)
    {
        using var activity = s_activitySource.StartActivity($"Migrate {databaseName}");
        await using var scope = scopeFactory.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<TContext>();
        await CreateDatabaseIfMissingAsync(context, cancellationToken);

        // Replicas start together. EF Core's own migration lock did not stop two of three from applying the same
        // migration ("relation already exists"), and seeding is outside it anyway; so all of it runs under a lock of
        // ours, held by this connection's session, which a crash releases with the session.
        await context.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await context.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
            // Npgsql's provider reads the history table before creating it and expects the "does not exist" error, which
            // EF Core logs as a failure on every new database (npgsql/efcore.pg#3407); created first, there is none.
            await context.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
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

    /// <summary>Locally and in tests the service creates its database; replicas starting together may both try.</summary>
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

    /// <summary>The connection goes back to the pool, which does not end its session: the lock is released by hand.</summary>
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

/// <summary>Unhealthy until migrations ran, then a cheap round trip to PostgreSQL.</summary>
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
