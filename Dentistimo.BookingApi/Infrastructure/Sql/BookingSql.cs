namespace Dentistimo.BookingApi.Infrastructure.Sql;

/// <summary>SQL kept in its own files (embedded in this assembly), so that it reads as SQL rather than inside C#.</summary>
internal static class BookingSql
{
    public static string DecideBookings { get; } = Read("decide_bookings.sql");

    private static string Read(string name)
    {
        using var stream = typeof(BookingSql).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource '{name}' is missing from {typeof(BookingSql).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
