using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Dentistimo.BookingApi.Model.Scheduling;

/// <summary>Half-open: "9:00-17:00" means the last appointment must have ended by 17:00.</summary>
public sealed partial record TimeRange
{
    public TimeRange(TimeOnly start, TimeOnly end)
    {
        if (end <= start)
        {
            throw new ArgumentException($"A time range must end after it starts, but {Format(start)}-{Format(end)} does not.", nameof(end));
        }

        Start = start;
        End = end;
    }

    public TimeOnly Start { get; }

    public TimeOnly End { get; }

    public bool Overlaps(TimeRange other) => Start < other.End && other.Start < End;

    public static TimeRange Parse(string text) =>
        TryParse(text, out var range, out var error) ? range : throw new FormatException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out TimeRange? range) =>
        TryParse(text, out range, out _);

    public override string ToString() => $"{Format(Start)}-{Format(End)}";

    private static bool TryParse(string? text, [NotNullWhen(true)] out TimeRange? range, out string error)
    {
        range = null;
        var match = text is null ? Match.Empty : RegistryFormat().Match(text);
        if (!match.Success)
        {
            error = $"\"{text}\" is not a time range in the form H:MM-H:MM, e.g. \"9:00-17:00\".";
            return false;
        }

        if (!TryTime(match.Groups["startHour"], match.Groups["startMinute"], out var start, out error)
            || !TryTime(match.Groups["endHour"], match.Groups["endMinute"], out var end, out error))
        {
            error = $"\"{text}\": {error}";
            return false;
        }

        if (end <= start)
        {
            error = $"\"{text}\": the range must end after it starts.";
            return false;
        }

        range = new TimeRange(start, end);
        return true;
    }

    private static bool TryTime(Group hourText, Group minuteText, out TimeOnly time, out string error)
    {
        var hour = int.Parse(hourText.Value, CultureInfo.InvariantCulture);
        var minute = int.Parse(minuteText.Value, CultureInfo.InvariantCulture);
        (time, error) = (hour, minute) switch
        {
            ( > 23, _) => (default, $"hour {hour} is not between 0 and 23."),
            (_, > 59) => (default, $"minute {minuteText.Value} is not between 00 and 59."),
            _ => (new TimeOnly(hour, minute), ""),
        };
        return error.Length == 0;
    }

    private static string Format(TimeOnly time) => time.ToString("H:mm", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*(?<startHour>[0-9]{1,2}):(?<startMinute>[0-9]{2})\s*-\s*(?<endHour>[0-9]{1,2}):(?<endMinute>[0-9]{2})\s*$")]
    private static partial Regex RegistryFormat();
}
