namespace Dentistimo.Notifier.Email;

/// <summary>
/// An event that can never become an email (an unknown reason code, say): retrying cannot help, so it goes straight
/// to the error queue. The message ends up in its headers and in logs, so it names ids and codes, never patient data.
/// </summary>
public sealed class EmailRenderingException(string message) : Exception(message);
