using System.ComponentModel.DataAnnotations;

namespace Dentistimo.BookingApi.Apis;

public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    [Range(1, int.MaxValue)]
    public int ConcurrentBookings { get; set; } = 128;

    [Range(0, int.MaxValue)]
    public int QueuedBookings { get; set; } = 1024;

    [Range(1, int.MaxValue)]
    public int BookingsPerSecondPerClient { get; set; } = 500;

    [Range(1, int.MaxValue)]
    public int BookingBurstPerClient { get; set; } = 1000;
}
