namespace Dentistimo.ServiceDefaults;

/// <summary>
/// A configuration mistake (a missing connection string, a setting out of its range) is an operator's problem, not a
/// bug: it deserves one line naming the key, not a stack trace.
/// </summary>
public sealed class ConfigurationException(string message) : Exception(message);
