using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>Aspire's configuration conventions: <c>ConnectionStrings:&lt;name&gt;</c> and <c>services:&lt;name&gt;:&lt;endpoint&gt;:0</c>.</summary>
public static class ConfigurationExtensions
{
    public static string GetRequiredConnectionString(this IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } connectionString
            ? connectionString
            : throw new MissingConfigurationException(
                $"missing connection string 'ConnectionStrings:{name}' (environment variable ConnectionStrings__{name}).");

    /// <summary>The base address of another service, preferring HTTPS as Aspire's service discovery does.</summary>
    public static Uri GetRequiredServiceUri(this IConfiguration configuration, string serviceName)
    {
        foreach (var endpoint in (string[])["https", "http"])
        {
            if (configuration[$"services:{serviceName}:{endpoint}:0"] is { Length: > 0 } address)
            {
                return Uri.TryCreate(address, UriKind.Absolute, out var uri)
                    ? uri
                    : throw new MissingConfigurationException(
                        $"'services:{serviceName}:{endpoint}:0' is '{address}', which is not an absolute URI.");
            }
        }

        throw new MissingConfigurationException(
            $"missing address of service '{serviceName}': set 'services:{serviceName}:https:0' or 'services:{serviceName}:http:0' " +
            $"(environment variable services__{serviceName}__http__0).");
    }
}
