using System.ComponentModel.DataAnnotations;

namespace Dentistimo.BookingApi.Services;

public sealed class BookingOptions
{
    public const string SectionName = "Booking";

    [Range(1, 730)]
    public int HorizonDays { get; set; } = 90;

    [Range(1, 100)]
    public int MaxUpcomingPerPatient { get; set; } = Model.Scheduling.BookingPolicy.DefaultMaxUpcomingPerPatient;

    // 0 allows changes until the start.
    [Range(0, 24 * 14)]
    public int CancellationCutoffHours { get; set; } = Model.Scheduling.AppointmentChangePolicy.DefaultCancellationCutoffHours;

    // Bounds the staleness if an invalidation is lost.
    [Range(1, 3600)]
    public int AvailabilityCacheSeconds { get; set; } = 15;

    // How stale another replica's booking can look here; a replica's own bookings show at once.
    [Range(1, 60_000)]
    public int LocalAvailabilityCacheMilliseconds { get; set; } = 1000;

    // After the appointment (or the rejection).
    [Range(1, 3650)]
    public int PatientDataRetentionDays { get; set; } = 30;

    // Batches in PostgreSQL at once.
    [Range(1, 64)]
    public int DecisionWorkers { get; set; } = 4;

    [Range(1, 1000)]
    public int DecisionBatchSize { get; set; } = 64;

    // So several environments (or test runs) can share one Redis.
    [Required(AllowEmptyStrings = false)]
    public string CacheKeyPrefix { get; set; } = "dentistimo:";
}
