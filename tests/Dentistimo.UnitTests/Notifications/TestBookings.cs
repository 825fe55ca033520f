using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Notifier.Email;
using Microsoft.Extensions.Options;

namespace Dentistimo.UnitTests.Notifications;

internal static class TestBookings
{
    // 08:00 UTC on 1 December is 09:00 in Stockholm (CET); 08:00 UTC on 1 July is 10:00 (CEST).
    public static readonly DateTimeOffset WinterStart = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset SummerStart = new(2026, 7, 1, 8, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    public static BookingConfirmed Confirmed(string language = "en", DateTimeOffset? start = null, string name = "Åsa Öberg") =>
        new(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"), "DT-7K3QX",
            Appointment(start ?? WinterStart), new BookingRecipient(name, "asa@example.com", language));

    public static BookingRejected Rejected(string reasonCode, string language = "en") =>
        new(Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"), reasonCode, Appointment(WinterStart), new BookingRecipient("Åsa Öberg", "asa@example.com", language));

    public static AppointmentDetails Appointment(DateTimeOffset start) =>
        new(3, "The Crown", "Lindholmsallén 19, 417 55 Göteborg", 57.709872, 11.94, start, start.AddMinutes(30));

    public static BookingEmailRenderer Renderer(string publicBaseUrl = "https://dentistimo.com") =>
        new(EmailTemplates.Embedded,
            Options.Create(new EmailOptions { PublicBaseUrl = new Uri(publicBaseUrl) }),
            new FixedTimeProvider(Now));

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
