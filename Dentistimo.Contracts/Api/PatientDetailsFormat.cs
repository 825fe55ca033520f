using System.Globalization;

namespace Dentistimo.Contracts.Api;

public static class PatientDetailsFormat
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 254;

    // Phones type ’ and ‑ for ' and - (iOS by default): O’Brien and Jean‑Luc are names too.
    public const string Name = @"[\p{L}\p{M}][\p{L}\p{M} '\u2018\u2019\u02BC\-\u2010\u2011.]*";

    // Deliberately plain: SMTP is the real judge. IDNA domains pass; a non-ASCII local part would need SMTPUTF8.
    public const string Email = @"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@" + DomainLabel + @"(?:\." + DomainLabel + ")+";

    private const string DomainLabel = @"[\p{L}\p{M}0-9](?:[\p{L}\p{M}0-9\-]{0,61}[\p{L}\p{M}0-9])?";

    // 0-9, not \d, which takes any script's digits: a clinic has to dial the number.
    public const string Phone = @"\+?(?:[ \-()]*[0-9]){6,15}[ \-()]*";

    /// <summary>The domain in IDNA's ASCII, so one mailbox has one spelling; null if IDNA refuses it.</summary>
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
