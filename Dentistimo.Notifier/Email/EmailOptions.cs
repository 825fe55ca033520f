using System.ComponentModel.DataAnnotations;

namespace Dentistimo.Notifier.Email;

public sealed class EmailOptions : IValidatableObject
{
    public const string SectionName = "Email";

    [Required]
    [EmailAddress]
    public string SenderAddress { get; set; } = "bookings@dentistimo.com";

    public string SenderName { get; set; } = "Dentistimo";

    /// <summary>Where links in emails point: the patient web app.</summary>
    [Required]
    public Uri PublicBaseUrl { get; set; } = new("https://dentistimo.com");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // [EmailAddress] only looks for an @; every email is sent from this address, so one MimeKit refuses would fail them all.
        if (!Mailboxes.TryCreate(SenderName, SenderAddress, out _))
        {
            yield return new ValidationResult(
                $"The field {nameof(SenderAddress)} is '{SenderAddress}', which MimeKit cannot send from.", [nameof(SenderAddress)]);
        }

        // Links are this address with a path appended: a relative one, or one with a query or fragment, would break them all.
        if (!IsAbsoluteHttpUrlWithoutQuery(PublicBaseUrl))
        {
            yield return new ValidationResult(
                $"The field {nameof(PublicBaseUrl)} is '{PublicBaseUrl}'; it must be an absolute http or https URL without query or fragment, such as https://dentistimo.com.",
                [nameof(PublicBaseUrl)]);
        }
    }

    private static bool IsAbsoluteHttpUrlWithoutQuery(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) && url.Query == "" && url.Fragment == "";
}
