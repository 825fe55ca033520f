using System.ComponentModel.DataAnnotations;
using Dentistimo.BookingApi.Apis;
using Dentistimo.Web.Pages;

namespace Dentistimo.Contracts.Tests.Api;

/// <summary>BookingApi's validator and the web's form take the same names, and say why they refuse one.</summary>
public class PatientDetailsFormatTests
{
    [Theory]
    [InlineData("Karin Boye")]
    [InlineData("Åsa Öberg-Ström")]
    [InlineData("Siobhán O'Brien")]
    [InlineData("Siobhán O’Brien")] // the apostrophe iOS types
    [InlineData("ʻOhana Kaʼupu")]
    [InlineData("Jean‑Luc Picard")] // a non-breaking hyphen
    [InlineData("Jean‐Luc Picard")]
    [InlineData("Martin Luther King Jr.")]
    [InlineData("  Karin Boye  ")]
    public void A_name_of_letters_spaces_apostrophes_hyphens_and_full_stops_is_taken(string name)
    {
        Assert.False(NameErrors(name).ContainsKey("patient.name"));
        Assert.True(new BookingForm { Name = name }.NameIsValid());
    }

    [Theory]
    [InlineData("<script>")]
    [InlineData("R2-D2")]
    [InlineData("'Quoted'")]
    [InlineData("Karin; DROP TABLE")]
    public void A_name_with_other_characters_is_refused_with_what_a_name_may_hold(string name)
    {
        Assert.Equal(["Use letters, spaces, hyphens, apostrophes and full stops."], NameErrors(name)["patient.name"]);
        Assert.False(new BookingForm { Name = name }.NameIsValid());
    }

    [Fact]
    public void A_name_that_is_too_long_is_refused_with_the_length()
    {
        var name = new string('a', BookingRequestValidator.MaxNameLength + 1);

        Assert.Equal(["Use at most 100 characters."], NameErrors(name)["patient.name"]);
        Assert.False(new BookingForm { Name = name }.NameIsValid());
    }

    [Theory]
    [InlineData("karin@example.com", "karin@example.com")]
    [InlineData("asa@tandläkare.se", "asa@xn--tandlkare-z2a.se")]
    [InlineData("bjorn@Göteborgs-Tandvård.se", "bjorn@xn--gteborgs-tandvrd-qob60a.se")]
    public void An_address_whose_domain_has_letters_beyond_ASCII_is_taken_and_kept_as_DNS_spells_it(string email, string kept)
    {
        var command = BookingRequestValidator.Validate(Request(email: email), out var errors);

        Assert.Empty(errors);
        Assert.Equal(kept, command!.Patient.Email);
        Assert.True(new BookingForm { Email = email }.EmailIsValid());
    }

    [Theory]
    [InlineData("åsa@example.com")] // a local part beyond ASCII needs SMTPUTF8 of every server on the way
    [InlineData("asa@tand läkare.se")]
    [InlineData("asa@-tandläkare.se")]
    [InlineData("asa@tandläkare")]
    public void An_address_that_is_not_one_is_refused(string email)
    {
        BookingRequestValidator.Validate(Request(email: email), out var errors);

        Assert.Equal(["Enter an email address such as name@example.com."], errors["patient.email"]);
        Assert.False(new BookingForm { Email = email }.EmailIsValid());
    }

    [Theory]
    [InlineData("+46 31 123 45 67")]
    [InlineData("031-123 45 67")]
    [InlineData("(031) 12 34 56")]
    public void A_phone_number_of_6_to_15_digits_with_spaces_hyphens_and_brackets_is_taken(string phone)
    {
        Assert.False(PhoneErrors(phone).ContainsKey("patient.phone"));
        Assert.True(new BookingForm { Phone = phone }.PhoneIsValid());
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("+46 31 123 45 67 89 012")] // 16 digits
    [InlineData("٠٧٠١٢٣٤٥٦٧")] // Arabic-Indic digits: .NET's \d takes them, the browser's does not, and no clinic can dial them
    [InlineData("０７０１２３４５６７")] // full-width digits
    [InlineData("070 123 45 67 ext. 2")]
    public void A_phone_number_that_is_not_one_a_clinic_can_dial_is_refused(string phone)
    {
        Assert.Equal(["Enter a phone number of 6 to 15 digits, such as +46 31 123 45 67, or leave it empty."], PhoneErrors(phone)["patient.phone"]);
        Assert.False(new BookingForm { Phone = phone }.PhoneIsValid());
    }

    [Fact]
    public void The_nil_uuid_is_not_a_request_id()
    {
        BookingRequestValidator.Validate(Request(requestId: Guid.Empty.ToString()), out var errors);

        Assert.Contains("nil UUID", Assert.Single(errors["requestId"]));
    }

    private static Dictionary<string, string[]> NameErrors(string name)
    {
        BookingRequestValidator.Validate(Request(name: name), out var errors);
        return errors;
    }

    private static Dictionary<string, string[]> PhoneErrors(string phone)
    {
        BookingRequestValidator.Validate(Request(phone: phone), out var errors);
        return errors;
    }

    private static CreateBookingRequest Request(
        string name = "Karin Boye", string? requestId = null, string email = "karin@example.com", string? phone = null) => new(
        requestId ?? Guid.NewGuid().ToString(), 1, "2026-12-01T08:00:00Z", new PatientRequest(name, email, phone), "en");
}

file static class BookingFormValidation
{
    public static bool NameIsValid(this BookingForm form) => Validator.TryValidateProperty(
        form.Name, new ValidationContext(form) { MemberName = nameof(BookingForm.Name) }, []);

    public static bool EmailIsValid(this BookingForm form) => Validator.TryValidateProperty(
        form.Email, new ValidationContext(form) { MemberName = nameof(BookingForm.Email) }, []);

    public static bool PhoneIsValid(this BookingForm form) => Validator.TryValidateProperty(
        form.Phone, new ValidationContext(form) { MemberName = nameof(BookingForm.Phone) }, []);
}
