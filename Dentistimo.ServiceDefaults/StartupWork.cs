namespace Dentistimo.ServiceDefaults;

/// <summary>
/// Work a service does once as it starts, in the background, such as migrating its database. While it goes as expected,
/// /health answers 503 saying so without running the health checks, which would log the expected wait as a failure.
/// </summary>
public interface IStartupWork
{
    string Name { get; }

    /// <summary>
    /// What /health answers while this work still runs as expected; null once it is done, and while it fails, when the
    /// health checks run and say why.
    /// </summary>
    string? StillRunningMessage { get; }
}
