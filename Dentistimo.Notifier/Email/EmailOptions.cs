using System.ComponentModel.DataAnnotations;

namespace Dentistimo.Notifier.Email;

public sealed class EmailOptions : IValidatableObject
{
    public const string SectionName = "Email";

    [Required]
    [EmailAddress]
    public string SenderAddress { get; set; } = "bookings@dentistimo.com";

    public string SenderName { get; set; } = "Dentistimo";

    [Required]
    public Uri PublicBaseUrl { get; set; } = new("https://dentistimo.com");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // [EmailAddress] only looks for an @; an address MimeKit refuses would fail every email.
        if (!Mailboxes.TryCreate(SenderName, SenderAddress, out _))
        {
            yield return new ValidationResult(
                $"The field {nameof(SenderAddress)} is '{SenderAddress}', which MimeKit cannot send from.", [nameof(SenderAddress)]);
        }

        // Links append a path to it, so a relative URL, a query or a fragment would break them all.
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
