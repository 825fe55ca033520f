using Dentistimo.Testing;
using Npgsql;

namespace Dentistimo.AppHost.Tests.Infrastructure;

/// <summary>A table's row count and a checksum of all its rows' contents, to tell whether two copies hold the same data.</summary>
public sealed record TableChecksum(string Database, string Table, long Rows, string Md5);

public static class TableChecksums
{
    /// <summary>Every table of <paramref name="databases"/>, in order; rows are checksummed in the order of their text, so their physical order does not matter.</summary>
    public static async Task<IReadOnlyList<TableChecksum>> OfAsync(AppHostPostgres server, IEnumerable<string> databases)
    {
        var checksums = new List<TableChecksum>();
        foreach (var database in databases)
        {
            await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString(database));
            var tables = new List<string>();
            await using (var listTables = dataSource.CreateCommand(
                "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"))
            await using (var reader = await listTables.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            foreach (var table in tables)
            {
                await using var checksum = dataSource.CreateCommand(
                    $"SELECT count(*), md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) FROM {table} AS r");
                await using var reader = await checksum.ExecuteReaderAsync();
                await reader.ReadAsync();
                checksums.Add(new TableChecksum(database, table, reader.GetInt64(0), reader.GetString(1)));
            }
        }

        return checksums;
    }
}
