using System.ComponentModel.DataAnnotations;

namespace Dentistimo.ServiceDefaults;

public sealed class ShutdownOptions
{
    public const string SectionName = "Shutdown";

    // Below the 30 s after which container platforms kill a process on SIGTERM (.NET's default equals it).
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(25);
}
