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
    /// a queue, or parked in the error queue) still open, and links to manage a booking sent before it still work.
    /// </summary>
    [MinLength(32)]
    public string? PreviousKey { get; set; }
}

public static class RecipientSealing
{
    /// <summary>
    /// The <see cref="RecipientSeal"/> of <c>RecipientSeal:Key</c> (and <c>RecipientSeal:PreviousKey</c>), as a
    /// singleton. Like every setting it is checked while the service is built: a key missing outside Development, too
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
        // The links that manage a booking are keyed by the same secret, so they need no secret of their own.
        builder.Services.AddSingleton(new ManageTokens(key, options.PreviousKey));
        return seal;
    }
}
