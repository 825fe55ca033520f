namespace Dentistimo.ServiceDefaults;

/// <summary>
/// Work a service does once as it starts, in the background, such as migrating its database. While it goes as expected,
/// /health answers 503 saying so without running the health checks, which would log the expected wait as a failure.
/// </summary>
public interface IStartupWork
{
    string Name { get; }

    /// <summary>What is still being done; null once done, or once it failed, when the health checks say why.</summary>
    string? InProgress { get; }
}
