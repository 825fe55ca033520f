using Dentistimo.ServiceDefaults;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class ConfigurationExtensions
{
    public static string GetRequiredConnectionString(this IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } connectionString
            ? connectionString
            : throw new ConfigurationException(
                $"missing connection string 'ConnectionStrings:{name}' (environment variable ConnectionStrings__{name}).");

    /// <summary>Checked now, so a missing or malformed address stops the service at start, not at its first call.</summary>
    public static Uri GetRequiredServiceDiscoveryUri(this IConfiguration configuration, string serviceName)
    {
        foreach (var endpoint in (string[])["https", "http"])
        {
            if (configuration[$"services:{serviceName}:{endpoint}:0"] is { Length: > 0 } address)
            {
                return Uri.TryCreate(address, UriKind.Absolute, out _)
                    ? new Uri($"https+http://{serviceName}")
                    : throw new ConfigurationException(
                        $"'services:{serviceName}:{endpoint}:0' is '{address}', which is not an absolute URI.");
            }
        }

        throw new ConfigurationException(
            $"missing address of service '{serviceName}': set 'services:{serviceName}:https:0' or 'services:{serviceName}:http:0' " +
            $"(environment variable services__{serviceName}__http__0).");
    }

    /// <summary>
    /// Validated here, while the service is built, and only here: some callers need the values to register services, the
    /// message names the setting's path (OptionsValidationException names the class), and a failure at host start could
    /// abort the process before it reported exit code 78.
    /// </summary>
    public static TOptions AddValidatedOptions<TOptions>(this IHostApplicationBuilder builder, string section)
        where TOptions : class, new()
    {
        TOptions options;
        try
        {
            options = builder.Configuration.GetSection(section).Get<TOptions>() ?? new TOptions();
        }
        catch (InvalidOperationException exception)
        {
            throw new ConfigurationException($"a setting under '{section}' cannot be read: {exception.Message}");
        }

        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true))
        {
            throw new ConfigurationException(string.Join(" ", errors.Select(error =>
                $"'{section}:{string.Join(", ", error.MemberNames)}': {error.ErrorMessage}")));
        }

        // The same section as above, so IOptions<TOptions> holds the values just validated.
        builder.Services.AddOptions<TOptions>().BindConfiguration(section);
        return options;
    }
}
