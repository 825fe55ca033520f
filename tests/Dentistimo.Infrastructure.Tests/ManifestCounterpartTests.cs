using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dentistimo.Infrastructure.Tests;

/// <summary>
/// The AppHost's publish manifest against infra/: every project and container is a container app of the same name with
/// exactly the same configuration keys, every parameter and connection string a Key Vault secret of the same name. So a
/// key added to the AppHost fails here until production gets it too.
/// </summary>
public sealed partial class ManifestCounterpartTests(PublishManifest manifest) : IClassFixture<PublishManifest>
{
    private static readonly Lazy<Task<Deployment>> s_deployment = new(Deployment.CompileAsync);

    [Fact]
    public async Task Every_project_and_container_is_a_container_app_of_the_same_name()
    {
        var apps = (await s_deployment.Value).ContainerApps();

        var expected = manifest.OfType("project.v0", "container.v0").Select(resource => resource.Name).Order();
        Assert.Equal(expected, apps.Keys.Order());
    }

    [Fact]
    public async Task Every_app_gets_exactly_the_configuration_keys_of_the_AppHost_and_secrets_from_Key_Vault()
    {
        var apps = (await s_deployment.Value).ContainerApps();
        var secretResources = SecretResourceNames();
        var mismatches = new List<string>();

        foreach (var (name, resource) in manifest.OfType("project.v0", "container.v0"))
        {
            var app = ContainerAppView.Of(apps[name]);
            var keys = resource["env"]?.AsObject().Select(entry => entry.Key).Order().ToList() ?? [];
            Assert.True(keys.SequenceEqual(app.Env.Keys.Order()),
                $"{name}: the manifest gives [{string.Join(", ", keys)}], infra gives [{string.Join(", ", app.Env.Keys.Order())}].");

            foreach (var (key, value) in resource["env"]?.AsObject() ?? [])
            {
                var manifestValue = (string)value!;
                var entry = app.Env[key];
                var reference = WholeReference().Match(manifestValue);
                if (reference.Success && secretResources.Contains(reference.Groups["resource"].Value))
                {
                    // A secret or a connection string: a Key Vault reference under the resource's own name.
                    var secret = reference.Groups["resource"].Value;
                    if ((string?)entry["secretRef"] != secret)
                    {
                        mismatches.Add($"{name}.{key} should read the secret {secret}.");
                    }
                    else if (!app.KeyVaultSecretUrls.TryGetValue(secret, out var url) || !url.Contains($"secrets/{secret}'", StringComparison.Ordinal))
                    {
                        mismatches.Add($"{name}'s secret {secret} should be the Key Vault secret {secret}, read with the apps' identity.");
                    }
                }
                else if (SecretReference().Matches(manifestValue).Any(match => secretResources.Contains(match.Groups["resource"].Value)))
                {
                    // A value with a secret inside it (RabbitMQ's URI): a secret too, from Key Vault.
                    if (entry["secretRef"] is null || !app.KeyVaultSecretUrls.ContainsKey((string)entry["secretRef"]!))
                    {
                        mismatches.Add($"{name}.{key} holds a secret ({manifestValue}) and should read it from Key Vault.");
                    }
                }
                else if (entry["secretRef"] is not null || entry["value"] is null)
                {
                    mismatches.Add($"{name}.{key} should be a plain value ({manifestValue}).");
                }
                else if (!manifestValue.Contains('{') && (string)entry["value"]! != manifestValue)
                {
                    mismatches.Add($"{name}.{key} is {entry["value"]} in infra and {manifestValue} in the manifest.");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
    }

    [Fact]
    public async Task Every_parameter_and_connection_string_is_a_Key_Vault_secret_of_the_same_name()
    {
        var secrets = (await s_deployment.Value).KeyVaultSecretNames().Order();

        Assert.Equal(SecretResourceNames().Order(), secrets);
    }

    [Fact]
    public async Task Every_container_runs_the_manifests_image_with_its_volumes()
    {
        var apps = (await s_deployment.Value).ContainerApps();

        foreach (var (name, resource) in manifest.OfType("container.v0"))
        {
            var app = ContainerAppView.Of(apps[name]);
            Assert.Equal((string)resource["image"]!, (string)app.Container["image"]!);
            var targets = (resource["volumes"]?.AsArray() ?? []).Select(volume => (string)volume!["target"]!).Order();
            var mounts = (app.Container["volumeMounts"]?.AsArray() ?? []).Select(mount => (string)mount!["mountPath"]!).Order();
            Assert.Equal(targets, mounts);
        }
    }

    [Fact]
    public void Azd_deploys_every_project_of_the_manifest_into_its_container_app()
    {
        var services = AzureYamlService().Matches(File.ReadAllText(Path.Combine(Repository.Root, "azure.yaml")))
            .ToDictionary(service => service.Groups["name"].Value, service => service.Groups["project"].Value);

        var projects = manifest.OfType("project.v0").ToDictionary(project => project.Name, project => Path.GetFileName((string)project.Resource["path"]!));
        Assert.Equal(projects.Keys.Order(), services.Keys.Order());
        Assert.All(projects, project => Assert.Equal(project.Value, Path.GetFileName(services[project.Key])));
    }

    /// <summary>The manifest's parameters and the resources with a connection string (RabbitMQ's container).</summary>
    private HashSet<string> SecretResourceNames() =>
        [.. manifest.Resources.Where(resource => (string)resource.Value!["type"]! == "parameter.v0" || resource.Value!["connectionString"] is not null)
            .Select(resource => resource.Key)];

    /// <summary>A value that is exactly one resource's value or connection string, e.g. {bookingdb.connectionString}.</summary>
    [GeneratedRegex(@"^\{(?<resource>[^.{}]+)\.(value|connectionString)\}$")]
    private static partial Regex WholeReference();

    /// <summary>A resource's value or connection string anywhere in a value; a URI-encoded secret is its own resource,
    /// named after the secret (messaging-password-uri-encoded).</summary>
    [GeneratedRegex(@"\{(?<resource>[^.{}]+?)(-uri-encoded)?\.(value|connectionString)\}")]
    private static partial Regex SecretReference();

    /// <summary>A service of azure.yaml: its name, its project and host containerapp, in the order azure.yaml writes them.</summary>
    [GeneratedRegex(@"^  (?<name>[\w-]+):\n    language: dotnet\n    project: (?<project>\S+)\n    host: containerapp$", RegexOptions.Multiline)]
    private static partial Regex AzureYamlService();
}
