namespace Dentistimo.Notifier.Tests.Functional;

/// <summary>Tests that stop a server this project's tests share, so they run on their own, after the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServerOutageCollection
{
    public const string Name = "Server outages";
}
