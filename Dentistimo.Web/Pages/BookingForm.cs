using System.ComponentModel.DataAnnotations;
using Dentistimo.Contracts.Api;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;
using Microsoft.Extensions.Localization;

namespace Dentistimo.Web.Pages;

// The rules match BookingApi's validator (which stays the judge), so most mistakes are caught in the browser.
public sealed class BookingForm
{
    // Surrounding spaces are allowed because BookingApi trims them.
    public const string NamePattern = @"\s*" + PatientDetailsFormat.Name + @"\s*";
    public const string EmailPattern = @"\s*" + PatientDetailsFormat.Email + @"\s*";
    public const string PhonePattern = @"\s*" + PatientDetailsFormat.Phone + @"\s*";

    // 15 digits with a separator between each fit; BookingApi's rule counts digits, not characters.
    public const int MaxPhoneLength = 40;

    // .NET's longest Guid format (X).
    private const int MaxRequestIdLength = 68;

    // So a megabyte typed is not echoed back.
    private static readonly IReadOnlyDictionary<string, int> s_echoLengths = new Dictionary<string, int>
    {
        [nameof(Name)] = PatientDetailsFormat.MaxNameLength,
        [nameof(Email)] = PatientDetailsFormat.MaxEmailLength,
        [nameof(Phone)] = MaxPhoneLength,
        [nameof(RequestId)] = MaxRequestIdLength,
    };

    // Also shown when BookingApi refuses a field, as BookingApi words its refusals for API clients and in English.
    public static class Messages
    {
        public const string ChooseAFreeTime = "Choose a free time.";
        public const string NameFormat = "Use letters, spaces, hyphens, apostrophes and full stops.";
        public const string EmailFormat = "Enter an email address such as name@example.com.";
        public const string PhoneFormat = "Enter a phone number of 6 to 15 digits, such as +46 31 123 45 67, or leave it empty.";
    }

    // One per form, so a double click is one booking request: rendered with the form, and made anew by book.js for each
    // page, as a cached copy's id is everyone's who was served it.
    public Guid? RequestId { get; set; }

    [Required(ErrorMessage = Messages.ChooseAFreeTime)]
    public string? Start { get; set; }

    [Required(ErrorMessage = "Enter your name.")]
    [StringLength(PatientDetailsFormat.MaxNameLength, ErrorMessage = "Use at most 100 characters.")]
    [RegularExpression(NamePattern, ErrorMessage = Messages.NameFormat)]
    public string? Name { get; set; }

    [Required(ErrorMessage = "Enter your email address.")]
    [StringLength(PatientDetailsFormat.MaxEmailLength, ErrorMessage = "Use at most 254 characters.")]
    [RegularExpression(EmailPattern, ErrorMessage = Messages.EmailFormat)]
    public string? Email { get; set; }

    [StringLength(MaxPhoneLength, ErrorMessage = "Use at most 40 characters.")]
    [RegularExpression(PhonePattern, ErrorMessage = Messages.PhoneFormat)]
    public string? Phone { get; set; }

    [MustBeChecked(ErrorMessage = "Tick the box to let us store your details for this booking.")]
    public bool Consent { get; set; }

    // After validation, so a value too long keeps its "Use at most" message and is never sent on cut.
    public void CutToRuleLengths(ModelStateDictionary modelState, string prefix)
    {
        Name = Cut(Name, PatientDetailsFormat.MaxNameLength);
        Email = Cut(Email, PatientDetailsFormat.MaxEmailLength);
        Phone = Cut(Phone, MaxPhoneLength);
        foreach (var (field, maxLength) in s_echoLengths)
        {
            var key = $"{prefix}.{field}";
            if (modelState.TryGetValue(key, out var entry) && entry.AttemptedValue is { } typed && typed.Length > maxLength)
            {
                modelState.SetModelValue(key, Cut(typed, maxLength), Cut(typed, maxLength));
            }
        }
    }

    private static string? Cut(string? value, int maxLength) => value is { } text && text.Length > maxLength ? text[..maxLength] : value;
}

// [Required] cannot say "ticked" of a bool.
[AttributeUsage(AttributeTargets.Property)]
public sealed class MustBeCheckedAttribute : ValidationAttribute, IClientModelValidator
{
    // Without an adapter, MVC's data annotation localization passes custom attributes by, so this localizes itself.
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is true
            ? ValidationResult.Success
            : new ValidationResult(
                validationContext.GetRequiredService<IStringLocalizer<MustBeCheckedAttribute>>()[ErrorMessageString].Value,
                validationContext.MemberName is { } member ? [member] : null);

    public void AddValidation(ClientModelValidationContext context)
    {
        var localizer = context.ActionContext.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<MustBeCheckedAttribute>>();
        context.Attributes["data-val"] = "true";
        context.Attributes["data-val-checked"] = localizer[ErrorMessageString].Value;
    }
}
