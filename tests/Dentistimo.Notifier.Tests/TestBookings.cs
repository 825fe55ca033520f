using Dentistimo.Contracts.Api;
using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.Notifier.Email;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dentistimo.Notifier.Tests;

internal static class TestBookings
{
    // 08:00 UTC on 1 December is 09:00 in Stockholm (CET); 08:00 UTC on 1 July is 10:00 (CEST).
    public static readonly DateTimeOffset WinterStart = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset SummerStart = new(2026, 7, 1, 8, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    public static readonly Guid BookingId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    public static readonly Guid RequestId = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7");

    /// <summary>BookingApi's and the notifier's seal, as both would hold it.</summary>
    public static readonly RecipientSeal Seal = new("unit-test-recipient-seal-key-0123456789");

    /// <summary>What BookingApi checks the manage links' tokens with.</summary>
    public static readonly ManageTokens ManageTokens = new("unit-test-recipient-seal-key-0123456789");

    public static readonly Guid MoveId = Guid.Parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    public static readonly Guid ReminderId = Guid.Parse("9a1c3b6e-2d4f-4e8a-b7c5-1f0e2d3c4b5a");

    public static BookingConfirmed Confirmed(
        string language = "en", DateTimeOffset? start = null, string name = "Åsa Öberg", string email = "asa@example.com") =>
        new(BookingId, RequestId, "DT-7K3QX", Appointment(start ?? WinterStart), Seal.Seal(new BookingRecipient(name, email, language), RequestId));

    public static BookingRejected Rejected(string reasonCode, string language = "en") =>
        new(RequestId, reasonCode, Appointment(WinterStart), BookingId, Seal.Seal(new BookingRecipient("Åsa Öberg", "asa@example.com", language), RequestId));

    public static BookingCancelled Cancelled(string language = "en", int calendarSequence = 2) =>
        new(BookingId, RequestId, "DT-7K3QX", Appointment(WinterStart), calendarSequence, SealedFor(language));

    /// <summary>Moved from <see cref="WinterStart"/> to the next day at 14:00 Stockholm time.</summary>
    public static BookingMoved Moved(string language = "en", int calendarSequence = 1) =>
        new(BookingId, RequestId, MoveId, "DT-7K3QX", Appointment(new DateTimeOffset(2026, 12, 2, 13, 0, 0, TimeSpan.Zero)), WinterStart,
            calendarSequence, SealedFor(language));

    public static AppointmentReminderDue ReminderDue(DateTimeOffset start, string language = "en") =>
        new(BookingId, RequestId, ReminderId, "DT-7K3QX", Appointment(start), 1, SealedFor(language));

    private static SealedRecipient SealedFor(string language) => Seal.Seal(new BookingRecipient("Åsa Öberg", "asa@example.com", language), RequestId);

    public static AppointmentDetails Appointment(DateTimeOffset start) =>
        new(3, "The Crown", "Lindholmsallén 19, 417 55 Göteborg", 57.709872, 11.94, start, start.AddMinutes(30), ClinicPhone: "031-51 00 19");

    /// <param name="now">When the email is rendered; <see cref="Now"/> unless told.</param>
    public static BookingEmailRenderer Renderer(
        string publicBaseUrl = "https://dentistimo.com", ILogger<BookingEmailRenderer>? logger = null, DateTimeOffset? now = null) =>
        new(EmailTemplates.Embedded,
            Options.Create(new EmailOptions { PublicBaseUrl = new Uri(publicBaseUrl) }),
            Seal,
            ManageTokens,
            new FixedTimeProvider(now ?? Now),
            logger ?? NullLogger<BookingEmailRenderer>.Instance);

    /// <summary>Keeps every line logged, as it would read.</summary>
    public sealed class LogLines<T> : ILogger<T>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add($"{logLevel}: {formatter(state, exception)}");
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
