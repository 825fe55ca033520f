using System.Text.Json.Nodes;

namespace Dentistimo.Infrastructure.Tests;

/// <summary>The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package.</summary>
internal static class Bicep
{
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Compiles a file to its ARM template (stdout); diagnostics, the linter's included, come on stderr.</summary>
    public static Task<ProcessResult> BuildAsync(string bicepFile)
    {
        // NuGet may unpack the binary without its execute bit. The package is the Linux build, so this runs on Linux only.
        if (OperatingSystem.IsLinux() && !File.GetUnixFileMode(Repository.BicepPath).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(Repository.BicepPath, File.GetUnixFileMode(Repository.BicepPath) | UnixFileMode.UserExecute);
        }

        return Processes.RunAsync(Repository.BicepPath, ["build", bicepFile, "--stdout"], s_buildTimeout);
    }

    public static async Task<JsonObject> CompileAsync(string bicepFile)
    {
        var result = await BuildAsync(bicepFile);
        Assert.True(result.ExitCode == 0, $"bicep build {bicepFile} failed:\n{result.Errors}");
        return JsonNode.Parse(result.Output)!.AsObject();
    }
}
