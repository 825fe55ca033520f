using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dentistimo.Testing;

/// <summary>Speaks BookingApi's public HTTP API the way a client does: JSON in, JSON (or problem details) out.</summary>
public sealed class BookingApiDriver(HttpClient http)
{
    public HttpClient Http => http;

    /// <summary>A free slot at least two days ahead, so that "now" passing during the test changes nothing.</summary>
    public async Task<(DateOnly Date, DateTimeOffset Start)> FindBookableSlotAsync(int clinicId, int daysAhead = 2)
    {
        var from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(daysAhead);
        var range = await http.GetFromJsonAsync<JsonObject>($"/api/availability?from={from:yyyy-MM-dd}&to={from.AddDays(20):yyyy-MM-dd}");
        var day = range!["clinics"]!.AsArray().Single(c => (int)c!["clinicId"]! == clinicId)!["days"]!.AsArray()
            .First(d => (int)d!["freeSlots"]! > 0)!;
        var date = DateOnly.Parse((string)day["date"]!);
        return (date, (await AvailableStartsAsync(clinicId, date))[0]);
    }

    /// <summary>The starts of the day's slots in the state "available", in order.</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> AvailableStartsAsync(int clinicId, DateOnly date) =>
        (await GetDayAsync(clinicId, date))["slots"]!.AsArray()
            .Where(slot => (string)slot!["state"]! == "available")
            .Select(slot => DateTimeOffset.Parse((string)slot!["start"]!, CultureInfo.InvariantCulture))
            .ToList();

    public async Task<JsonObject> GetDayAsync(int clinicId, DateOnly date) =>
        (await http.GetFromJsonAsync<JsonObject>($"/api/clinics/{clinicId}/availability?date={date:yyyy-MM-dd}"))!;

    public async Task<JsonObject> GetSlotAsync(int clinicId, DateOnly date, DateTimeOffset start) =>
        (await GetDayAsync(clinicId, date))["slots"]!.AsArray()
            .Single(slot => DateTimeOffset.Parse((string)slot!["start"]!) == start)!.AsObject();

    public static object BookingRequest(Guid requestId, int clinicId, DateTimeOffset start, string email, string name = "Test Patient", string language = "en") =>
        new { requestId, clinicId, start = start.ToString("O"), patient = new { name, email, phone = "+46 31 123 45 67" }, language };

    public async Task<(int Status, JsonObject Body)> PostBookingAsync(object request)
    {
        using var response = await http.PostAsJsonAsync("/api/bookings", request);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(JsonSerializerOptions.Web);
        return ((int)response.StatusCode, body!);
    }

    public static string NewPatientEmail() => $"patient-{Guid.NewGuid():N}@example.com";
}
