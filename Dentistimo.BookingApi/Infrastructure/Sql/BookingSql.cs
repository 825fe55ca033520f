namespace Dentistimo.BookingApi.Infrastructure.Sql;

/// <summary>SQL kept in its own files (embedded in this assembly), so that it reads as SQL rather than inside C#.</summary>
internal static class BookingSql
{
    // Taking and giving back a slot's seat, which the two below call: apply it first.
    public static string Seats { get; } = Read("seats.sql");

    public static string DecideBookings { get; } = Read("decide_bookings.sql");

    public static string ChangeAppointment { get; } = Read("change_appointment.sql");

    private static string Read(string name)
    {
        using var stream = typeof(BookingSql).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource '{name}' is missing from {typeof(BookingSql).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
