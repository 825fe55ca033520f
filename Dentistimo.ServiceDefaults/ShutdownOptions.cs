using System.ComponentModel.DataAnnotations;

namespace Dentistimo.ServiceDefaults;

public sealed class ShutdownOptions
{
    public const string SectionName = "Shutdown";

    // By default below the 30 s after which container platforms kill a process on SIGTERM (.NET's default equals it);
    // a platform that waits longer may allow more.
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(25);
}
