using System.ComponentModel.DataAnnotations;
using Dentistimo.Contracts.Api;
using Dentistimo.Contracts.IntegrationEvents;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

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

public static class RecipientSealing
{
    /// <summary>
    /// The <see cref="RecipientSeal"/> of <c>RecipientSeal:Key</c> (and <c>RecipientSeal:PreviousKey</c>), and the
    /// <see cref="ManageTokens"/> of the same keys, as singletons. Like every setting it is checked while the service is built: a key missing outside Development, too
    /// short, or the development key outside Development stops the service with one line naming the setting.
    /// </summary>
    public static RecipientSeal AddRecipientSeal(this IHostApplicationBuilder builder)
    {
        var options = builder.AddValidatedOptions<RecipientSealOptions>(RecipientSealOptions.SectionName);
        var isDevelopment = builder.Environment.IsDevelopment();
        var key = options.Key ?? (isDevelopment
            ? RecipientSealOptions.DevelopmentKey
            : throw new ConfigurationException(
                $"missing '{RecipientSealOptions.SectionName}:Key' (environment variable {RecipientSealOptions.SectionName}__Key): "
                + "the secret, at least 32 characters and the same on BookingApi and the notifier, that seals patients' "
                + "names and email addresses in booking events."));
        if (!isDevelopment && (key == RecipientSealOptions.DevelopmentKey || options.PreviousKey == RecipientSealOptions.DevelopmentKey))
        {
            throw new ConfigurationException(
                $"'{RecipientSealOptions.SectionName}:Key' or ':PreviousKey' is the development key, which is public: "
                + $"set a secret of your own (environment {builder.Environment.EnvironmentName}).");
        }

        var seal = new RecipientSeal(key, options.PreviousKey);
        builder.Services.AddSingleton(seal);
        // From the key resolved here, development fallback included, so BookingApi checks the tokens the notifier writes.
        builder.Services.AddSingleton(new ManageTokens(key, options.PreviousKey));
        return seal;
    }
}
