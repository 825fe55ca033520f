using Dentistimo.BookingApi.Infrastructure;
using Dentistimo.BookingApi.Model.Scheduling;
using Dentistimo.Contracts;

namespace Dentistimo.BookingApi.Services;

/// <param name="Version">The seats' version, which every change of them raises: what the live grid orders changes by.</param>
public sealed record SlotAvailability(Slot Slot, int Booked, int Version, SlotState State)
{
    public int Free => Math.Max(0, Slot.Capacity - Booked);
}

public sealed record DayAvailability(int ClinicId, DateOnly Date, ClosedReason? ClosedReason, IReadOnlyList<SlotAvailability> Slots)
{
    public int FreeSlots => Slots.Count(slot => slot.State is SlotState.Available or SlotState.FewLeft);

    public int FullSlots => Slots.Count(slot => slot.State is SlotState.Full);
}

public sealed class AvailabilityService(BookingStore store, AvailabilityCache cache, BookingPolicy policy, TimeProvider timeProvider)
{
    public async Task<DayAvailability> GetDayAsync(ClinicEntry clinic, DateOnly date, CancellationToken cancellationToken) =>
        (await GetDaysAsync([clinic], date, date, cancellationToken))[0];

    public async Task<IReadOnlyList<DayAvailability>> GetDaysAsync(
        IReadOnlyCollection<ClinicEntry> clinics, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var dates = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).ToList();
        var days = clinics.SelectMany(clinic => dates.Select(date => (Clinic: clinic, Date: date))).ToList();
        var seats = await GetBookedSeatsAsync(days.Select(day => (day.Clinic.Clinic.Id, day.Date)).ToList(), from, to, cancellationToken);

        var now = timeProvider.GetUtcNow();
        return days.Select((day, i) => Describe(day.Clinic, day.Date, seats[i], now)).ToList();
    }

    private DayAvailability Describe(ClinicEntry clinic, DateOnly date, BookedSeats seats, DateTimeOffset now)
    {
        var day = clinic.Schedule.SlotsOn(date);
        var slots = day.Slots
            .Select(slot => (Slot: slot, Seats: seats.For(slot.StartUtc)))
            .Select(slot => new SlotAvailability(
                slot.Slot, slot.Seats.Booked, slot.Seats.Version, policy.Classify(slot.Slot, slot.Seats.Booked, now)))
            .ToList();
        return new DayAvailability(clinic.Clinic.Id, date, day.ClosedReason, slots);
    }

    private async Task<BookedSeats[]> GetBookedSeatsAsync(
        IReadOnlyList<(int ClinicId, DateOnly Date)> days, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var readFrom = cache.Changes;
        var seats = await cache.GetAsync(days, readFrom);
        if (seats.All(day => day is not null))
        {
            return seats!;
        }

        // One query covers every missing day.
        var clinicIds = days.Select(day => day.ClinicId).Distinct().ToList();
        var counts = await store.GetBookedCountsAsync(
            clinicIds.Count == 1 ? clinicIds[0] : null,
            StockholmTime.ToUtc(from, TimeOnly.MinValue),
            StockholmTime.ToUtc(to.AddDays(1), TimeOnly.MinValue),
            cancellationToken);
        var byDay = counts
            .GroupBy(count => (count.ClinicId, Date: ClinicTime.LocalDate(count.StartUtc)))
            .ToDictionary(group => group.Key, group => new BookedSeats(group.ToDictionary(c => c.StartUtc.ToUnixTimeSeconds(), c => c.Seats)));

        for (var i = 0; i < days.Count; i++)
        {
            if (seats[i] is null)
            {
                seats[i] = byDay.GetValueOrDefault(days[i]) ?? BookedSeats.None;
                cache.Set(days[i].ClinicId, days[i].Date, seats[i]!, readFrom);
            }
        }

        return seats!;
    }
}
