using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dentistimo.Infrastructure.Tests;

/// <summary>Every Bicep file under infra/ compiles with the linter on and says nothing: a warning fails as an error would.</summary>
public sealed partial class BicepFileTests
{
    public static TheoryData<string> BicepFiles() => [.. Repository.BicepFiles().Select(file => Path.GetRelativePath(Repository.Root, file))];

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Builds_without_a_warning_or_a_linter_finding(string bicepFile)
    {
        var result = await Bicep.BuildAsync(Path.Combine(Repository.Root, bicepFile));

        Assert.True(result.ExitCode == 0, $"bicep build {bicepFile} failed:\n{result.Errors}");
        Assert.True(result.Errors.Trim().Length == 0, $"bicep build {bicepFile} reported:\n{result.Errors}");
    }

    [Fact]
    public void The_linter_is_on_for_infra()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Infra, "bicepconfig.json")),
            documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;

        Assert.True((bool)config["analyzers"]!["core"]!["enabled"]!);
    }

    [Fact]
    public void Every_module_is_a_local_file()
    {
        foreach (var file in Repository.BicepFiles())
        {
            foreach (Match module in ModuleReference().Matches(File.ReadAllText(file)))
            {
                var path = module.Groups["path"].Value;
                Assert.False(path.StartsWith("br", StringComparison.Ordinal) || path.StartsWith("ts", StringComparison.Ordinal) || path.Contains(':'),
                    $"{file} uses the remote module {path}; infra/ must build without a registry.");
                Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(file)!, path)), $"{file}: module {path} does not exist.");
            }
        }
    }

    [GeneratedRegex(@"^\s*module\s+\w+\s+'(?<path>[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleReference();
}
