using System.ComponentModel.DataAnnotations;
using Dentistimo.Contracts.Api;
using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class RecipientSealing
{
    /// <summary>Outside Development a missing, short or public development key stops the service at start.</summary>
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
        // The same key, development fallback included, so BookingApi accepts the tokens the notifier writes.
        builder.Services.AddSingleton(new ManageTokens(key, options.PreviousKey));
        return seal;
    }
}
