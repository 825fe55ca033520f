namespace Dentistimo.Web.Services;

public sealed record Coordinates(double Latitude, double Longitude);

public sealed record ClinicSummary(
    int Id,
    string Name,
    string Address,
    Coordinates Coordinates,
    int Dentists,
    IReadOnlyDictionary<string, string> OpeningHours);

/// <summary>BookingApi over HTTP. Transient failures are retried by the service defaults' resilience pipeline.</summary>
public sealed class BookingApiClient(HttpClient http)
{
    public async Task<IReadOnlyList<ClinicSummary>> GetClinicsAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<List<ClinicSummary>>("/api/clinics", cancellationToken) ?? [];
}
