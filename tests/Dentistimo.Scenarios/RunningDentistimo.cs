namespace Dentistimo.Scenarios;

/// <summary>
/// A running Dentistimo as a patient and an operator reach it: the base addresses of the patients' web app, of
/// BookingApi, and of the mail server's inbox API (MailDev's REST API, which lists every email the system sent).
/// The launcher's system and the Aspire AppHost both describe themselves this way.
/// </summary>
public sealed record RunningDentistimo(Uri Web, Uri BookingApi, Uri MailInbox);
