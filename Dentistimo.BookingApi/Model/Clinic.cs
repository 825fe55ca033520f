using Dentistimo.BookingApi.Model.Scheduling;

namespace Dentistimo.BookingApi.Model;

public sealed class Clinic
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Address { get; set; }

    public string? Phone { get; set; }
    public double Latitude { get; set; }
    public double Longitude { get; set; }

    // Each dentist treats one patient per slot, so this is every slot's capacity.
    public int Dentists { get; set; }

    // A weekday that is absent is a closed day.
    public Dictionary<string, string> OpeningHours { get; set; } = [];

    public List<string> Breaks { get; set; } = [];

    // Beyond Swedish public holidays.
    public List<DateOnly> ClosureDates { get; set; } = [];

    public ClinicSchedule ToSchedule() => new(
        WeeklyOpeningHours.Parse(OpeningHours.Select(day => KeyValuePair.Create(day.Key, (string?)day.Value))),
        Dentists,
        Breaks.Select(TimeRange.Parse),
        ClosureDates);
}
