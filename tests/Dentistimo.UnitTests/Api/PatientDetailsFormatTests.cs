using System.ComponentModel.DataAnnotations;
using Dentistimo.BookingApi.Apis;
using Dentistimo.Web.Pages;

namespace Dentistimo.UnitTests.Api;

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

    private static CreateBookingRequest Request(string name = "Karin Boye", string? requestId = null) => new(
        requestId ?? Guid.NewGuid().ToString(), 1, "2026-12-01T08:00:00Z", new PatientRequest(name, "karin@example.com", null), "en");
}

file static class BookingFormValidation
{
    public static bool NameIsValid(this BookingForm form) => Validator.TryValidateProperty(
        form.Name, new ValidationContext(form) { MemberName = nameof(BookingForm.Name) }, []);
}
