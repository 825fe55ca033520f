using Dentistimo.BookingApi.Model;
using Dentistimo.Migrations;
using Microsoft.EntityFrameworkCore;

namespace Dentistimo.BookingApi.Infrastructure;

/// <summary>Seeding upserts, so edits here reach existing databases.</summary>
public sealed class ClinicRegistry : IDatabaseSeeder<BookingDbContext>
{
    // Fresh instances on every call, so callers may hand them to a DbContext.
    public static IReadOnlyList<Clinic> Create() =>
    [
        Weekdays(1, "Your Dentist", "Spannmålsgatan 20", "031-711 20 20", 57.707619, 11.969388, dentists: 3,
            "9:00-17:00", "8:00-17:00", "7:00-16:00", "9:00-17:00", "9:00-15:00"),
        Weekdays(2, "Tooth Fairy Dentist", "Slottskogen", "031-12 34 56", 57.685255, 11.942625, dentists: 1,
            "7:00-19:00", "7:00-19:00", "7:00-19:00", "7:00-19:00", "7:00-19:00"),
        Weekdays(3, "The Crown", "Lindholmsallén 19", "031-51 00 19", 57.709872, 11.940386, dentists: 2,
            "6:00-15:00", "8:00-17:00", "7:00-12:00", "7:00-17:00", "8:00-16:00"),
        Weekdays(4, "Lisebergs Dentists", "Liseberg", "031-40 01 00", 57.694723, 11.991153, dentists: 3,
            "10:00-18:00", "10:00-18:00", "10:00-18:00", "10:00-18:00", "10:00-18:00"),
    ];

    public async Task SeedAsync(BookingDbContext context, CancellationToken cancellationToken)
    {
        var existing = await context.Clinics.ToDictionaryAsync(c => c.Id, cancellationToken);
        foreach (var clinic in Create())
        {
            if (existing.TryGetValue(clinic.Id, out var stored))
            {
                // Closure dates are operational data: the registry never overwrites them.
                clinic.ClosureDates = stored.ClosureDates;
                context.Entry(stored).CurrentValues.SetValues(clinic);
            }
            else
            {
                context.Clinics.Add(clinic);
            }
        }

        await context.SaveChangesAsync(cancellationToken);
    }

    private static Clinic Weekdays(int id, string name, string address, string phone, double latitude, double longitude, int dentists,
        string monday, string tuesday, string wednesday, string thursday, string friday) => new()
    {
        Id = id,
        Name = name,
        Address = address,
        Phone = phone,
        Latitude = latitude,
        Longitude = longitude,
        Dentists = dentists,
        OpeningHours = new()
        {
            ["monday"] = monday,
            ["tuesday"] = tuesday,
            ["wednesday"] = wednesday,
            ["thursday"] = thursday,
            ["friday"] = friday,
        },
        Breaks = ["12:00-13:00", "14:30-15:00"],
    };
}
