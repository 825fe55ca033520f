using System.ComponentModel.DataAnnotations;

namespace Dentistimo.ServiceDefaults;

public sealed class RecipientSealOptions
{
    public const string SectionName = "RecipientSeal";

    /// <summary>
    /// What BookingApi and the notifier seal with when the environment is Development and no key is set, so that the
    /// launcher and the tests need no configuration. It is in this public repository: it protects nothing, and no
    /// other environment accepts it.
    /// </summary>
    public const string DevelopmentKey = "development-only-recipient-seal-key-public-in-the-repository";

    /// <summary>
    /// The secret BookingApi seals the recipient's name and email address in its events with, and the notifier opens
    /// them with: the same on both (the AppHost generates one). Required outside Development.
    /// </summary>
    [MinLength(32)]
    public string? Key { get; set; }

    /// <summary>
    /// The notifier's <see cref="Key"/> before the last rotation, so that events sealed with it (still in the outbox or
    /// a queue, or parked in the error queue) still open. Unset once no such events remain. BookingApi uses it only to accept
    /// the manage links (<see cref="ManageTokens"/>) of emails sent before the rotation.
    /// </summary>
    [MinLength(32)]
    public string? PreviousKey { get; set; }
}
