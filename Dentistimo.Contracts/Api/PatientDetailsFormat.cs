namespace Dentistimo.Contracts.Api;

/// <summary>
/// What BookingApi accepts as a patient's name, email address and phone number, as unanchored regular expressions:
/// BookingApi's validator judges with them, and the web's form checks the same in the browser, beside each field.
/// </summary>
public static class PatientDetailsFormat
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 254;

    /// <summary>
    /// A letter, then letters, spaces, apostrophes, hyphens and full stops. Besides ASCII's, the apostrophes and hyphens
    /// that phones type (iOS turns ' into ’ by default): O’Brien and Jean‑Luc are names as much as O'Brien and Jean-Luc.
    /// </summary>
    public const string Name = @"[\p{L}\p{M}][\p{L}\p{M} '\u2018\u2019\u02BC\-\u2010\u2011.]*";

    /// <summary>Deliberately plain: one @, no spaces or brackets, and a domain with a dot. SMTP is the real judge.</summary>
    public const string Email = @"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)+";

    /// <summary>6 to 15 digits, with an optional leading +, and spaces, hyphens and brackets anywhere between.</summary>
    public const string Phone = @"\+?(?:[ \-()]*\d){6,15}[ \-()]*";
}
