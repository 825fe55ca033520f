using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dentistimo.Notifier.Email;

public sealed record LanguageTexts(
    string Culture,
    string DateFormat,
    string TimeFormat,
    string ConfirmationSubject,
    string RejectionSubject,
    string CancellationSubject,
    string MoveSubject,
    string ReminderSubject,
    string ReminderToday,
    string ReminderTomorrow,
    string ReminderOnDate,
    string CalendarSummary,
    string CalendarDescription,
    string Footer,
    IReadOnlyDictionary<string, string> Reasons);

public sealed partial class EmailTemplates
{
    public const string DefaultLanguage = "en";
    private const string ResourcePrefix = "EmailTemplates/";

    private readonly IReadOnlyDictionary<string, string> _files;
    private readonly IReadOnlyDictionary<string, LanguageTexts> _texts;

    private EmailTemplates(IReadOnlyDictionary<string, string> files)
    {
        _files = files;
        _texts = files.Where(file => file.Key.EndsWith("/texts.json", StringComparison.Ordinal)).ToDictionary(
            file => file.Key[..file.Key.IndexOf('/')],
            file => JsonSerializer.Deserialize<LanguageTexts>(file.Value, JsonSerializerOptions.Web)
                ?? throw new InvalidOperationException($"Email template {file.Key} is empty."));
    }

    public static EmailTemplates Embedded { get; } = Load(typeof(EmailTemplates).Assembly);

    public IReadOnlyCollection<string> Languages => _texts.Keys.ToList();

    public string ResolveLanguage(string? requested) =>
        requested is not null && _texts.ContainsKey(requested.Trim().ToLowerInvariant()) ? requested.Trim().ToLowerInvariant() : DefaultLanguage;

    public LanguageTexts TextsFor(string language) => _texts[language];

    public string Layout => _files["layout.html"];

    public string Body(string language, EmailKind kind, string extension) => _files[$"{language}/{kind.ToStoredName()}.{extension}"];

    // One pass: a value that looks like a placeholder (a patient called "{{reference}}") stays text.
    public static string Fill(string template, IReadOnlyDictionary<string, string> values, Func<string, string> encode) =>
        Placeholder().Replace(template, match =>
        {
            var raw = match.Groups["raw"];
            var name = raw.Success ? raw.Value : match.Groups["encoded"].Value;
            if (!values.TryGetValue(name, out var value))
            {
                throw new EmailRenderingException($"An email template uses the placeholder '{name}', which has no value.");
            }

            return raw.Success ? value : encode(value);
        });

    private static EmailTemplates Load(Assembly assembly) =>
        new(assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToDictionary(
                name => name[ResourcePrefix.Length..].Replace('\\', '/'),
                name =>
                {
                    using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                    // Templates are edited on any machine; emails and tests expect one kind of line ending.
                    return reader.ReadToEnd().ReplaceLineEndings("\n");
                }));

    [GeneratedRegex(@"\{\{\{(?<raw>\w+)\}\}\}|\{\{(?<encoded>\w+)\}\}")]
    private static partial Regex Placeholder();
}
