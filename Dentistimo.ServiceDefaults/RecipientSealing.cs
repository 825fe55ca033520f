using System.ComponentModel.DataAnnotations;
using Dentistimo.Contracts.Api;
using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

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
