using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dentistimo.BookingApi.Infrastructure;
using Dentistimo.Migrations;
using Dentistimo.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;

namespace Dentistimo.BookingApi.Tests.Functional;

public sealed class DatabaseMigrationTests : IClassFixture<IsolatedResources>
{
    private readonly IsolatedResources _resources;

    public DatabaseMigrationTests(IsolatedResources resources) => _resources = resources;

    [Fact]
    public async Task While_its_database_is_migrated_health_answers_503_saying_so_and_nothing_is_logged_as_a_warning_or_error()
    {
        await using (var first = new BookingApiFactory(_resources))
        {
            await first.StartedAsync();
        }

        await using var blocker = await HoldMigrationLockAsync();

        using var logs = new FakeLoggerProvider();
        await using var api = new BookingApiFactory(_resources).WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddSingleton<ILoggerProvider>(logs)));
        var client = api.CreateClient();
        using var whileMigrating = await client.GetAsync("/health");
        var migratingHealth = (await whileMigrating.Content.ReadFromJsonAsync<JsonObject>())!;

        await ReleaseMigrationLockAsync(blocker);

        await UntilHealthyAsync(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileMigrating.StatusCode);
        Assert.Equal("Database 'bookingdb' is being migrated.", (string?)migratingHealth["checks"]!["bookingdb"]!["description"]);
        Assert.Empty(logs.Collector.GetSnapshot().Where(record => record.Level >= LogLevel.Warning).Select(record => $"{record.Category}: {record.Message}"));
    }

    [Fact]
    public async Task Once_PostgreSQL_answers_again_a_migration_that_waited_for_it_is_reported_as_being_migrated_not_as_failing()
    {
        await using (var first = new BookingApiFactory(_resources))
        {
            await first.StartedAsync();
        }

        // The next start reaches PostgreSQL, which refuses its database for a while, and then waits for the lock.
        await using var blocker = await HoldMigrationLockAsync();
        var database = new NpgsqlConnectionStringBuilder(_resources.BookingDb).Database!;
        await _resources.Servers.Postgres.AllowConnectionsAsync(database, allow: false);
        await using var api = new BookingApiFactory(_resources);
        var client = api.CreateClient();
        JsonObject refusedHealth;
        try
        {
            await Eventually.TrueAsync(async () => DescriptionOf(await GetHealthAsync(client)).Contains("not currently accepting connections"),
                TimeSpan.FromSeconds(60), "health to report PostgreSQL refusing the database");
            refusedHealth = await GetHealthAsync(client);
        }
        finally
        {
            await _resources.Servers.Postgres.AllowConnectionsAsync(database, allow: true);
        }

        await Eventually.TrueAsync(async () => DescriptionOf(await GetHealthAsync(client)) == "Database 'bookingdb' is being migrated.",
            TimeSpan.FromSeconds(60), "health to say the database is being migrated");
        var migratingHealth = await GetHealthAsync(client);
        await ReleaseMigrationLockAsync(blocker);
        await UntilHealthyAsync(client);

        Assert.StartsWith("PostgreSQL is unreachable for database 'bookingdb'", DescriptionOf(refusedHealth));
        Assert.Equal("Unhealthy", (string?)migratingHealth["status"]);
        // Only the startup work's answer: the health checks, which log their failures, did not run.
        Assert.Equal("bookingdb", Assert.Single(migratingHealth["checks"]!.AsObject()).Key);
    }

    [Fact]
    public async Task A_database_another_version_migrated_is_refused_with_a_message_naming_its_unknown_migration()
    {
        await using (var first = new BookingApiFactory(_resources))
        {
            await first.StartedAsync();
        }

        await using (var connection = new NpgsqlConnection(_resources.BookingDb))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                """INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES ('20261101000000_FromAnotherVersion', '10.0.0')""",
                connection);
            await command.ExecuteNonQueryAsync();
        }

        try
        {
            await using var second = new BookingApiFactory(_resources);
            var refusal = await Assert.ThrowsAsync<InvalidOperationException>(second.StartedAsync);
            Assert.Contains("'bookingdb' has migrations this build does not know (20261101000000_FromAnotherVersion)", refusal.Message);
            Assert.Contains(".local/apphost/postgres", refusal.Message);
            Assert.Equal(1, Environment.ExitCode);
        }
        finally
        {
            // The refused service set the exit code of this process, which hosts every test.
            Environment.ExitCode = 0;
        }
    }

    // The migrator takes this session lock before it migrates, so holding it keeps the next start migrating.
    private async Task<NpgsqlConnection> HoldMigrationLockAsync()
    {
        var blocker = new NpgsqlConnection(_resources.BookingDb);
        await blocker.OpenAsync();
        await using var hold = new NpgsqlCommand("SELECT pg_advisory_lock($1)", blocker);
        hold.Parameters.Add(new NpgsqlParameter { Value = DatabaseMigrator<BookingDbContext>.MigrationLockKey });
        await hold.ExecuteNonQueryAsync();
        return blocker;
    }

    private static async Task ReleaseMigrationLockAsync(NpgsqlConnection blocker)
    {
        await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", blocker);
        await release.ExecuteNonQueryAsync();
    }

    private static Task UntilHealthyAsync(HttpClient client) =>
        Eventually.TrueAsync(async () => (string?)(await GetHealthAsync(client))["status"] == "Healthy", TimeSpan.FromSeconds(60), "the migration to finish");

    private static async Task<JsonObject> GetHealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static string DescriptionOf(JsonObject health) => (string?)health["checks"]?["bookingdb"]?["description"] ?? "";
}
