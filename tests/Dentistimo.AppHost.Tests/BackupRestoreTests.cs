using Dentistimo.AppHost.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dentistimo.AppHost.Tests;

/// <summary>
/// R4.6: what a backup holds comes back, table by table and row by row. Each test runs two PostgreSQL servers of its
/// own, the source and a fresh one to restore into, so the shared server is never touched; the databases have the
/// services' real schemas and rows written by the services' own code.
/// </summary>
public sealed class BackupRestoreTests(ITestOutputHelper output) : IAsyncLifetime
{
    private PrivatePostgres _source = null!;
    private PrivatePostgres _fresh = null!;

    public async Task InitializeAsync()
    {
        _source = PrivatePostgres.Create("backup-source", output.WriteLine);
        _fresh = PrivatePostgres.Create("restore-target", output.WriteLine);
        try
        {
            await _source.Server.StartAsync();
            await DentistimoDatabases.CreateAsync(_source.Server);
        }
        catch
        {
            // xunit does not dispose a test class whose initialization failed, and a server left running outlives the test run.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await _fresh.DisposeAsync();
        await _source.DisposeAsync();
    }

    [Fact]
    public async Task The_dumps_of_a_backup_restored_into_a_fresh_server_hold_every_row_of_the_original()
    {
        await DentistimoDatabases.DecideBookingsAsync(_source.Server, count: 300);
        var original = await TableChecksums.OfAsync(_source.Server, DentistimoDatabases.Names);
        var backup = await _source.Server.Backups.BackUpAsync(DentistimoDatabases.Names);

        await _fresh.Server.StartAsync();
        await _source.Server.Backups.RestoreDatabasesAsync(backup, _fresh.Server);

        Assert.Equal(original, await TableChecksums.OfAsync(_fresh.Server, DentistimoDatabases.Names));
        Assert.Contains(original, table => table is { Table: "public.booking_requests", Rows: 300 });
        Assert.Contains(original, table => table is { Table: "public.sent_emails", Rows: 300 });
    }

    [Fact]
    public async Task Point_in_time_recovery_from_a_base_backup_and_the_WAL_archive_brings_back_the_server_as_it_was_at_that_moment()
    {
        await DentistimoDatabases.DecideBookingsAsync(_source.Server, count: 100);
        var backup = await _source.Server.Backups.BackUpAsync(DentistimoDatabases.Names);
        // Written after the base backup, so these can only come back from the WAL archive.
        await DentistimoDatabases.DecideBookingsAsync(_source.Server, count: 100);
        var pointInTime = await DentistimoDatabases.ScalarAsync<DateTimeOffset>(_source.Server, "postgres", "SELECT clock_timestamp()");
        var atThatMoment = await TableChecksums.OfAsync(_source.Server, DentistimoDatabases.Names);

        // What the recovery must undo: later bookings, and a mistake.
        await DentistimoDatabases.DecideBookingsAsync(_source.Server, count: 100);
        await DentistimoDatabases.ExecuteAsync(_source.Server, "notifierdb", "DELETE FROM sent_emails");
        // Then the source is lost, like a crash: only the backup and the archive are left to recover from.
        await _source.Server.Backups.ArchiveCurrentWalAsync();
        await _source.Server.KillAsync();

        await _source.Server.Backups.RestoreToPointInTimeAsync(backup, pointInTime, _fresh.Server);

        Assert.Equal(atThatMoment, await TableChecksums.OfAsync(_fresh.Server, DentistimoDatabases.Names));
        Assert.Contains(atThatMoment, table => table is { Table: "public.booking_requests", Rows: 200 });
        Assert.Contains(atThatMoment, table => table is { Table: "public.sent_emails", Rows: 200 });
        // Promoted, not left read-only in recovery: it takes bookings again.
        await DentistimoDatabases.DecideBookingsAsync(_fresh.Server, count: 1);
    }
}
