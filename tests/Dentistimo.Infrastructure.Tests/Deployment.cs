using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dentistimo.Infrastructure.Tests;

/// <summary>infra/main.bicep compiled to its ARM template, with the modules' templates nested in it.</summary>
internal sealed partial class Deployment(JsonObject template)
{
    public JsonObject Template { get; } = template;

    public static async Task<Deployment> CompileAsync() => new(await Bicep.CompileAsync(Path.Combine(Repository.Infra, "main.bicep")));

    /// <summary>Every resource of <paramref name="type"/>, in main.bicep or any module under it.</summary>
    public IEnumerable<JsonObject> Resources(string type) =>
        Descendants(Template).Where(node => node["type"] is JsonValue value && value.TryGetValue<string>(out var name) && name == type);

    public IReadOnlyDictionary<string, JsonObject> ContainerApps() =>
        Resources("Microsoft.App/containerApps").ToDictionary(app => (string)app["name"]!);

    /// <summary>The names of the Key Vault's secrets.</summary>
    public IEnumerable<string> KeyVaultSecretNames() => NamesOf("Microsoft.KeyVault/vaults/secrets");

    /// <summary>The names of child resources, the last literal of each name expression: format('{0}/{1}', parent, 'name').</summary>
    public IEnumerable<string> NamesOf(string childType) =>
        Resources(childType).Select(child => LastLiteral().Match((string)child["name"]!))
            .Select(match => match.Success ? match.Groups["name"].Value : throw new InvalidOperationException($"A {childType} has no literal name."));

    private static IEnumerable<JsonObject> Descendants(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                yield return obj;
                foreach (var child in obj.SelectMany(property => Descendants(property.Value)))
                {
                    yield return child;
                }

                break;
            case JsonArray array:
                foreach (var child in array.SelectMany(Descendants))
                {
                    yield return child;
                }

                break;
        }
    }

    [GeneratedRegex(@"'(?<name>[^']+)'\)\]$")]
    private static partial Regex LastLiteral();
}

/// <summary>One container app's container as the tests compare it with the manifest.</summary>
internal sealed record ContainerAppView(
    string Name,
    JsonObject Container,
    IReadOnlyDictionary<string, JsonObject> Env,
    IReadOnlyDictionary<string, string> KeyVaultSecretUrls,
    JsonObject Scale)
{
    public static ContainerAppView Of(JsonObject app)
    {
        var container = app["properties"]!["template"]!["containers"]!.AsArray().Single()!.AsObject();
        var env = (container["env"]?.AsArray() ?? []).Select(entry => entry!.AsObject()).ToDictionary(entry => (string)entry["name"]!);
        var secrets = (app["properties"]!["configuration"]!["secrets"]?.AsArray() ?? [])
            .Select(secret => secret!.AsObject())
            .ToDictionary(secret => (string)secret["name"]!, secret => (string?)secret["keyVaultUrl"] ?? "");
        return new ContainerAppView((string)app["name"]!, container, env, secrets, app["properties"]!["template"]!["scale"]!.AsObject());
    }
}
