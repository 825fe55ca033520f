using Aspire.Hosting;
using Dentistimo.AppHost.Tests.Infrastructure;
using Dentistimo.Testing;

namespace Dentistimo.AppHost.Tests;

/// <summary>
/// R4.6: what a backup holds comes back, table by table and row by row, through the PostgreSQL resource's dashboard
/// commands "Back up now" and "Restore…" on the AppHost's own server (<see cref="BackedUpPostgres"/>). The databases
/// have the services' real schemas and rows written by the services' own code.
/// </summary>
public sealed class BackupRestoreTests(BackedUpPostgres postgres) : IClassFixture<BackedUpPostgres>, IAsyncLifetime
{
    private AppHostPostgres Server => postgres.Server;

    public Task InitializeAsync() => DentistimoDatabases.RecreateAsync(Server);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Restoring_the_dumps_of_the_latest_backup_brings_back_every_row_and_keeps_the_replaced_databases_aside()
    {
        await DentistimoDatabases.DecideBookingsAsync(Server, count: 300);
        var original = await TableChecksums.OfAsync(Server, DentistimoDatabases.Names);
        await SucceedsAsync(PostgresBackupCommands.BackUpNow);

        // What the restore must undo: later bookings, and a mistake.
        await DentistimoDatabases.DecideBookingsAsync(Server, count: 100);
        await DentistimoDatabases.ExecuteAsync(Server, "notifierdb", "DELETE FROM sent_emails");
        await SucceedsAsync(PostgresBackupCommands.Restore, (PostgresBackupCommands.BackupArgument, "latest"));

        Assert.Equal(original, await TableChecksums.OfAsync(Server, DentistimoDatabases.Names));
        Assert.Contains(original, table => table is { Table: "public.booking_requests", Rows: 300 });
        Assert.Contains(original, table => table is { Table: "public.sent_emails", Rows: 300 });
        Assert.Equal(400, await DentistimoDatabases.ScalarAsync<long>(Server, await AsideAsync("bookingdb"), "SELECT count(*) FROM booking_requests"));
    }

    [Fact]
    public async Task Restoring_the_cluster_to_a_point_in_time_brings_back_the_server_as_it_was_at_that_moment()
    {
        await DentistimoDatabases.DecideBookingsAsync(Server, count: 100);
        await SucceedsAsync(PostgresBackupCommands.BackUpNow);
        // Written after the base backup, so these can only come back from the WAL archive.
        await DentistimoDatabases.DecideBookingsAsync(Server, count: 100);
        var pointInTime = await DentistimoDatabases.ScalarAsync<DateTimeOffset>(Server, "postgres", "SELECT clock_timestamp()");
        var atThatMoment = await TableChecksums.OfAsync(Server, DentistimoDatabases.Names);

        // What the recovery must undo: later bookings, and a mistake.
        await DentistimoDatabases.DecideBookingsAsync(Server, count: 100);
        await DentistimoDatabases.ExecuteAsync(Server, "notifierdb", "DELETE FROM sent_emails");
        await SucceedsAsync(PostgresBackupCommands.Restore,
            (PostgresBackupCommands.BackupArgument, "latest"), (PostgresBackupCommands.RecoverToArgument, pointInTime.ToString("O")));

        Assert.Equal(atThatMoment, await TableChecksums.OfAsync(Server, DentistimoDatabases.Names));
        Assert.Contains(atThatMoment, table => table is { Table: "public.booking_requests", Rows: 200 });
        Assert.Contains(atThatMoment, table => table is { Table: "public.sent_emails", Rows: 200 });
        // Promoted, not left read-only in recovery: it takes bookings again.
        await DentistimoDatabases.DecideBookingsAsync(Server, count: 1);
    }

    private async Task SucceedsAsync(string command, params (string Name, string Value)[] arguments)
    {
        var result = await postgres.RunCommandAsync(command, arguments);
        Assert.True(result.Success, result.Message);
    }

    private Task<string> AsideAsync(string database) =>
        DentistimoDatabases.ScalarAsync<string>(Server, "postgres",
            $"SELECT datname FROM pg_database WHERE datname LIKE '{database}_before_restore_%' ORDER BY datname DESC LIMIT 1");
}
