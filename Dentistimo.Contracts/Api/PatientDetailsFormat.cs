using System.Globalization;

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

    /// <summary>
    /// Deliberately plain: one @, no spaces or brackets, and a domain with a dot. SMTP is the real judge. The domain may
    /// have letters beyond ASCII (tandläkare.se): .se has taken å, ä, ö and é since 2003. The local part may not, as
    /// that would need every mail server on the way to speak SMTPUTF8.
    /// </summary>
    public const string Email = @"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@" + DomainLabel + @"(?:\." + DomainLabel + ")+";

    private const string DomainLabel = @"[\p{L}\p{M}0-9](?:[\p{L}\p{M}0-9\-]{0,61}[\p{L}\p{M}0-9])?";

    /// <summary>
    /// 6 to 15 digits, with an optional leading +, and spaces, hyphens and brackets anywhere between. Digits 0-9 only,
    /// not .NET's \d, which takes any script's (٠٧٠…) where the browser's takes 0-9: a clinic has to dial the number.
    /// </summary>
    public const string Phone = @"\+?(?:[ \-()]*[0-9]){6,15}[ \-()]*";

    /// <summary>
    /// An address <see cref="Email"/> matched, with its domain as DNS and SMTP spell it (IDNA: tandläkare.se is
    /// xn--tandlkare-z2a.se), so one mailbox has one spelling wherever patients are compared, and no server on the way
    /// needs to know IDNA. Null for a domain that IDNA refuses.
    /// </summary>
    public static string? WithAsciiDomain(string email)
    {
        var at = email.LastIndexOf('@');
        var domain = email[(at + 1)..];
        if (domain.All(char.IsAscii))
        {
            return email;
        }

        try
        {
            return string.Concat(email.AsSpan(0, at + 1), new IdnMapping { UseStd3AsciiRules = true }.GetAscii(domain));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
