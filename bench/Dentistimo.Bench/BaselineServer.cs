namespace Dentistimo.Bench;

/// <summary>
/// The yardstick: the cheapest JSON endpoint ASP.NET Core serves, answering a day of 16 slots, about the
/// size of BookingApi's availability answer, from memory.
/// </summary>
public static class BaselineServer
{
    public static void Run(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();

        var start = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        var day = new
        {
            clinicId = 1, date = "2026-12-01", timeZone = "Europe/Stockholm", closed = false, closedReason = (string?)null, freeSlots = 16,
            slots = Enumerable.Range(0, 16).Select(i => new
            {
                start = start.AddMinutes(30 * i), end = start.AddMinutes(30 * (i + 1)), localTime = $"{9 + i / 2:00}:{i % 2 * 30:00}",
                capacity = 3, booked = 0, free = 3, state = "available",
            }).ToArray(),
        };
        app.MapGet("/baseline", () => Results.Ok(day));
        app.Run();
    }
}
