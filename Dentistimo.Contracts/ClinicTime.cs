namespace Dentistimo.Contracts;

/// <summary>
/// The clinics' clocks. Every service stores and sends instants in UTC and shows them as Gothenburg sees them
/// (Europe/Stockholm), whatever the time zone of the server it runs on.
/// </summary>
public static class ClinicTime
{
    public static TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    /// <summary>The instant as Stockholm shows it, with the offset in force then (+01:00 or +02:00).</summary>
    public static DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>The clinics' calendar day of an instant.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant).DateTime);
}
