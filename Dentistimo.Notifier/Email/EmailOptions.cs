namespace Dentistimo.Notifier.Email;

public sealed class EmailOptions
{
    public const string SectionName = "Email";

    public string SenderAddress { get; set; } = "bookings@dentistimo.com";
    public string SenderName { get; set; } = "Dentistimo";

    /// <summary>Where links in emails point: the patient web app.</summary>
    public Uri PublicBaseUrl { get; set; } = new("https://dentistimo.com");
}
