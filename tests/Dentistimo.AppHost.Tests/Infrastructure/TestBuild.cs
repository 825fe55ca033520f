namespace Dentistimo.AppHost.Tests.Infrastructure;

/// <summary>The build this test run comes from.</summary>
public static class TestBuild
{
    /// <summary>The configuration `dotnet test` just built, whose output of each service tests run as processes.</summary>
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif
}
