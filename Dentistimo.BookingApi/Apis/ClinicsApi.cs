using Dentistimo.BookingApi.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Dentistimo.BookingApi.Apis;

public static class ClinicsApi
{
    public static RouteGroupBuilder MapClinicsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/clinics").WithTags("Clinics");
        api.MapGet("/", GetClinicsAsync).WithName("GetClinics");
        return api;
    }

    public static async Task<IReadOnlyList<ClinicResponse>> GetClinicsAsync(BookingDbContext db, CancellationToken cancellationToken)
    {
        var clinics = await db.Clinics.AsNoTracking().OrderBy(c => c.Id).ToListAsync(cancellationToken);
        return clinics.Select(ClinicResponse.From).ToList();
    }
}

public sealed record ClinicResponse(
    int Id,
    string Name,
    string Address,
    CoordinatesResponse Coordinates,
    int Dentists,
    IReadOnlyDictionary<string, string> OpeningHours)
{
    public static ClinicResponse From(Model.Clinic clinic) => new(
        clinic.Id,
        clinic.Name,
        clinic.Address,
        new CoordinatesResponse(clinic.Latitude, clinic.Longitude),
        clinic.Dentists,
        clinic.OpeningHours.OrderBy(day => ((int)day.Key + 6) % 7).ToDictionary(day => day.Key.ToString().ToLowerInvariant(), day => day.Value));
}

public sealed record CoordinatesResponse(double Latitude, double Longitude);
