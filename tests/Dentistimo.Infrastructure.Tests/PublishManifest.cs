using System.Text.Json.Nodes;

namespace Dentistimo.Infrastructure.Tests;

/// <summary>
/// The AppHost's publish manifest, made as azd makes it: the AppHost run in publish mode with the manifest publisher.
/// The AppHost is built by this project's reference to it, so it runs without building.
/// </summary>
public sealed class PublishManifest : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dentistimo-manifest-").FullName;

    public JsonObject Resources { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var manifestPath = Path.Combine(_directory, "aspire-manifest.json");
        var result = await Processes.RunAsync("dotnet",
            ["run", "--project", "Dentistimo.AppHost", "--no-build", "--configuration", Repository.Configuration, "--no-launch-profile",
             "--", "--publisher", "manifest", "--output-path", manifestPath],
            TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 0 && File.Exists(manifestPath),
            $"The AppHost did not publish its manifest (exit code {result.ExitCode}):\n{result.Output}\n{result.Errors}");
        Resources = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!["resources"]!.AsObject();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    public IEnumerable<(string Name, JsonObject Resource)> OfType(params string[] types) =>
        Resources.Where(resource => types.Contains((string)resource.Value!["type"]!)).Select(resource => (resource.Key, resource.Value!.AsObject()));
}
