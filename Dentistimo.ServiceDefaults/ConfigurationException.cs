namespace Dentistimo.ServiceDefaults;

/// <summary>An operator's mistake, reported as one line naming the setting rather than a stack trace.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
