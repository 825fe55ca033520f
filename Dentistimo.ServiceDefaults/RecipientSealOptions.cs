using System.ComponentModel.DataAnnotations;

namespace Dentistimo.ServiceDefaults;

public sealed class RecipientSealOptions
{
    public const string SectionName = "RecipientSeal";

    /// <summary>Used in Development when no key is set; it is public, so no other environment accepts it.</summary>
    public const string DevelopmentKey = "development-only-recipient-seal-key-public-in-the-repository";

    /// <summary>Required outside Development, and the same on BookingApi and the notifier.</summary>
    [MinLength(32)]
    public string? Key { get; set; }

    /// <summary>The key before the last rotation: events and manage links sealed with it still open.</summary>
    [MinLength(32)]
    public string? PreviousKey { get; set; }
}
