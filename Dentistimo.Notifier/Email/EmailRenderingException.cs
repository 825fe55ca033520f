namespace Dentistimo.Notifier.Email;

/// <summary>Retrying cannot help, so the event goes straight to the error queue; the message names no patient data.</summary>
public sealed class EmailRenderingException(string message) : Exception(message);
