using System.ComponentModel.DataAnnotations;

namespace Dentistimo.BookingApi.Services;

public sealed class BookingOptions
{
    public const string SectionName = "Booking";

    /// <summary>How far ahead a slot can be booked.</summary>
    [Range(1, 730)]
    public int HorizonDays { get; set; } = 90;

    /// <summary>How many upcoming appointments one email address may hold across all clinics (<see cref="Model.Scheduling.BookingPolicy.MaxUpcomingPerPatient"/>).</summary>
    [Range(1, 100)]
    public int MaxUpcomingPerPatient { get; set; } = Model.Scheduling.BookingPolicy.DefaultMaxUpcomingPerPatient;

    /// <summary>
    /// How many hours before its start an appointment can no longer be cancelled or moved online; 0 allows it until the start.
    /// </summary>
    [Range(0, 24 * 14)]
    public int CancellationCutoffHours { get; set; } = Model.Scheduling.AppointmentChangePolicy.DefaultCancellationCutoffHours;

    /// <summary>How long a cached day of availability lives if an invalidation is lost (say, Redis restarted mid-write).</summary>
    [Range(1, 3600)]
    public int AvailabilityCacheSeconds { get; set; } = 15;

    /// <summary>
    /// How long a replica answers a day from its own memory before asking Redis again: how stale another replica's
    /// booking can look here. A replica's own bookings show at once.
    /// </summary>
    [Range(1, 60_000)]
    public int LocalAvailabilityCacheMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Days a booking request, with the patient's name, email and phone, is kept after its appointment (or after its
    /// rejection) before <see cref="Infrastructure.PatientDataRetention"/> deletes it.
    /// </summary>
    [Range(1, 3650)]
    public int PatientDataRetentionDays { get; set; } = 30;

    /// <summary>How many batches of booking decisions may be in PostgreSQL at once (<see cref="Infrastructure.DecisionBatcher"/>).</summary>
    [Range(1, 64)]
    public int DecisionWorkers { get; set; } = 4;

    /// <summary>The most booking requests decided in one round trip.</summary>
    [Range(1, 1000)]
    public int DecisionBatchSize { get; set; } = 64;

    /// <summary>Prefixes every Redis key, so several environments (or test runs) can share one Redis.</summary>
    [Required(AllowEmptyStrings = false)]
    public string CacheKeyPrefix { get; set; } = "dentistimo:";
}
