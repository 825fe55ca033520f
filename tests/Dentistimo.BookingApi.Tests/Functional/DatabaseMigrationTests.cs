using Dentistimo.Testing;
using Npgsql;

namespace Dentistimo.BookingApi.Tests.Functional;

public sealed class DatabaseMigrationTests : IClassFixture<IsolatedResources>
{
    private readonly IsolatedResources _resources;

    public DatabaseMigrationTests(IsolatedResources resources) => _resources = resources;

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
}
