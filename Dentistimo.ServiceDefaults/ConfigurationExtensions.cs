using Dentistimo.ServiceDefaults;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Aspire's configuration conventions: <c>ConnectionStrings:&lt;name&gt;</c> and <c>services:&lt;name&gt;:&lt;endpoint&gt;:0</c>.</summary>
public static class ConfigurationExtensions
{
    public static string GetRequiredConnectionString(this IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } connectionString
            ? connectionString
            : throw new ConfigurationException(
                $"missing connection string 'ConnectionStrings:{name}' (environment variable ConnectionStrings__{name}).");

    /// <summary>
    /// The address that service discovery resolves to another service: HTTPS where it has such an endpoint, else HTTP.
    /// Checked now, so that a missing or malformed address stops the service at start rather than failing its first call.
    /// </summary>
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
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and checks its data annotations now, while the
    /// service is being built: a setting out of its range stops the service with one line naming it, as a missing one
    /// does (<see cref="ConfigurationException"/>). Checked when the host starts instead, the same mistake ends in a
    /// stack trace, and the process can abort before it reports the exit code.
    /// </summary>
    /// <returns>The settings, for what is configured while the service is built (a rate limiter, say).</returns>
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

        builder.Services.AddOptions<TOptions>().BindConfiguration(section).ValidateDataAnnotations();
        return options;
    }
}
