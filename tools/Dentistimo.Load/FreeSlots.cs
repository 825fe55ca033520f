using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Dentistimo.Load;

/// <summary>The slots that can still be booked, as BookingApi's public availability API reports them.</summary>
public static class FreeSlots
{
    /// <summary>
    /// Every slot with a free place (state available or few-left) of every clinic, on the <paramref name="days"/> days
    /// from <paramref name="from"/>: by clinic, then by time.
    /// </summary>
    public static async Task<IReadOnlyList<SlotToBook>> FindAsync(HttpClient bookingApi, DateOnly from, int days, CancellationToken ct = default)
    {
        var range = await bookingApi.GetFromJsonAsync<JsonObject>(
            $"/api/availability?from={from:yyyy-MM-dd}&to={from.AddDays(days - 1):yyyy-MM-dd}", ct).ConfigureAwait(false);
        var slots = new List<SlotToBook>();
        foreach (var clinic in range!["clinics"]!.AsArray())
        {
            var clinicId = (int)clinic!["clinicId"]!;
            foreach (var day in clinic["days"]!.AsArray().Where(day => (int)day!["freeSlots"]! > 0))
            {
                var detail = await bookingApi.GetFromJsonAsync<JsonObject>(
                    $"/api/clinics/{clinicId}/availability?date={(string)day!["date"]!}", ct).ConfigureAwait(false);
                slots.AddRange(detail!["slots"]!.AsArray()
                    .Where(slot => (string)slot!["state"]! is "available" or "few-left")
                    .Select(slot => new SlotToBook(clinicId, DateTimeOffset.Parse((string)slot!["start"]!, CultureInfo.InvariantCulture))));
            }
        }

        return slots;
    }
}
