using Dentistimo.BookingApi.Model.Scheduling;

namespace Dentistimo.BookingApi.Model;

/// <summary>A dental clinic in the registry. Its opening hours use the registry's <c>H:MM-H:MM</c> form per weekday.</summary>
public sealed class Clinic
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Address { get; set; }

    /// <summary>Whom patients call when it is too late to change an appointment online.</summary>
    public string? Phone { get; set; }
    public double Latitude { get; set; }
    public double Longitude { get; set; }

    /// <summary>Each dentist treats one patient per slot, so this is every slot's capacity.</summary>
    public int Dentists { get; set; }

    /// <summary>Lower-case English weekday to <c>H:MM-H:MM</c>, as in the registry; a weekday that is absent is a closed day.</summary>
    public Dictionary<string, string> OpeningHours { get; set; } = [];

    /// <summary>Daily breaks in <c>H:MM-H:MM</c> form, during which no appointment starts or runs.</summary>
    public List<string> Breaks { get; set; } = [];

    /// <summary>Extra days the clinic is closed, beyond Swedish public holidays.</summary>
    public List<DateOnly> ClosureDates { get; set; } = [];

    /// <exception cref="FormatException">When stored hours or breaks are not in <c>H:MM-H:MM</c> form.</exception>
    public ClinicSchedule ToSchedule() => new(
        WeeklyOpeningHours.Parse(OpeningHours.Select(day => KeyValuePair.Create(day.Key, (string?)day.Value))),
        Dentists,
        Breaks.Select(TimeRange.Parse),
        ClosureDates);
}
