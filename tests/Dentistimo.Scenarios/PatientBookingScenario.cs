using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using Xunit;

namespace Dentistimo.Scenarios;

/// <summary>
/// A patient's booking from end to end, through the real services and nothing but their public HTTP interfaces:
/// the clinics on the API and the home page, a day's availability and a booking, a race for a slot's last places,
/// and the one email each patient gets. Each step is a method; <see cref="RunAsync"/> runs them in order.
/// It leaves bookings behind and never needs an empty system: it looks for a slot nobody has booked yet.
/// </summary>
public sealed partial class PatientBookingScenario : IDisposable
{
    /// <summary>The clinic registry, in the API's order.</summary>
    public static IReadOnlyList<string> ClinicNames { get; } = ["Your Dentist", "Tooth Fairy Dentist", "The Crown", "Lisebergs Dentists"];

    // The English texts of Dentistimo.Notifier/Email/Templates/en (subjects and the fully-booked reason).
    private const string ConfirmationSubject = "Appointment confirmed: ";
    private const string RejectionSubject = "Appointment not booked: ";
    private const string FullyBookedReason = "Someone booked that time just before you, and it is now full.";

    private readonly RunningDentistimo _system;
    private readonly HttpClient _web;
    private readonly HttpClient _api;
    private readonly HttpClient _mail;
    private readonly MailDevApi _inbox;

    public PatientBookingScenario(RunningDentistimo system)
    {
        _system = system;
        _web = new HttpClient { BaseAddress = system.Web, Timeout = TimeSpan.FromSeconds(60) };
        _api = new HttpClient { BaseAddress = system.BookingApi, Timeout = TimeSpan.FromSeconds(60) };
        _mail = new HttpClient { BaseAddress = system.MailInbox, Timeout = TimeSpan.FromSeconds(60) };
        _inbox = new MailDevApi(_mail);
    }

    /// <summary>How many more patients than free places race for the slot.</summary>
    public int ExtraRacers { get; init; } = 3;

    /// <summary>A safety net for a hung system, not a speed assertion.</summary>
    public TimeSpan EmailTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long to keep looking after every email arrived, for a second copy of any of them.</summary>
    public TimeSpan DuplicateWindow { get; init; } = TimeSpan.FromSeconds(2);

    public async Task RunAsync(CancellationToken ct = default)
    {
        var clinics = await TheClinicsAreListedByTheApiAndShownOnTheHomePageAsync(ct);
        var booked = await AFreeSlotIsFoundInADaysAvailabilityAndBookedAsync(clinics, ct);
        var race = await PatientsRaceForTheSlotsLastPlacesAsync(booked, ct);
        await EachPatientGetsTheirEmailOnceAsync([booked.Decision, .. race], ct);
    }

    /// <summary>Step 1: GET /api/clinics lists the four clinics, and the web app's home page shows the same four.</summary>
    public async Task<IReadOnlyList<Clinic>> TheClinicsAreListedByTheApiAndShownOnTheHomePageAsync(CancellationToken ct = default)
    {
        var registry = await _api.GetFromJsonAsync<JsonArray>("api/clinics", ct);
        var clinics = registry!.Select(clinic => new Clinic((int)clinic!["id"]!, (string)clinic["name"]!, (int)clinic["dentists"]!)).ToList();
        Assert.Equal(ClinicNames, clinics.Select(clinic => clinic.Name));

        var home = new HtmlParser().ParseDocument(await _web.GetStringAsync("/", ct));
        var shown = home.QuerySelectorAll("[data-clinic-id]")
            .Select(element => (Id: element.GetAttribute("data-clinic-id"), Name: element.QuerySelector(".clinic-name")?.TextContent.Trim()))
            .ToList();
        Assert.Equal(
            clinics.Select(clinic => (clinic.Id.ToString(CultureInfo.InvariantCulture), clinic.Name)),
            shown.Select(clinic => (clinic.Id ?? "", clinic.Name ?? "")));
        return clinics;
    }

    /// <summary>
    /// Step 2: in the clinic with the most dentists, a day's availability shows a slot nobody has booked, and one
    /// patient books it: 201 with a reference, and the day's availability then shows one place fewer.
    /// </summary>
    public async Task<BookedSlot> AFreeSlotIsFoundInADaysAvailabilityAndBookedAsync(IReadOnlyList<Clinic> clinics, CancellationToken ct = default)
    {
        var clinic = clinics.MaxBy(clinic => clinic.Dentists)!;
        Assert.True(clinic.Dentists >= 2, $"The race needs a clinic with several dentists; the most any has is {clinic.Dentists}.");
        var (date, start, capacity) = await FindUntouchedSlotAsync(clinic, ct);

        var decision = await RequestBookingAsync(clinic, date, start, NewPatientEmail(), ct);

        Assert.True(decision.Status == 201, $"Booking a free slot answered {decision.Status}: {decision.Body.ToJsonString()}");
        Assert.Equal("confirmed", (string?)decision.Body["status"]);
        Assert.False(string.IsNullOrEmpty((string?)decision.Body["reference"]));
        Assert.Equal(start, DateTimeOffset.Parse((string)decision.Body["start"]!, CultureInfo.InvariantCulture));
        var slot = await GetSlotAsync(clinic.Id, date, start, ct);
        Assert.Equal(1, (int)slot["booked"]!);
        Assert.Equal(capacity - 1, (int)slot["free"]!);
        return new BookedSlot(clinic, date, start, capacity, FreePlaces: capacity - 1, decision);
    }

    /// <summary>
    /// Step 3: more patients than the slot has places left ask for it at the same moment. Exactly the free places are
    /// confirmed; everyone else is told 409 fully-booked, and the slot is then full, never overbooked.
    /// </summary>
    public async Task<IReadOnlyList<BookingDecision>> PatientsRaceForTheSlotsLastPlacesAsync(BookedSlot slot, CancellationToken ct = default)
    {
        var patients = Enumerable.Range(0, slot.FreePlaces + ExtraRacers).Select(_ => NewPatientEmail()).ToList();

        var decisions = await Task.WhenAll(patients.Select(patient => RequestBookingAsync(slot.Clinic, slot.Date, slot.Start, patient, ct)));

        Assert.All(decisions, decision => Assert.True(
            decision.Status is 201 or 409, $"A racer got {decision.Status}: {decision.Body.ToJsonString()}"));
        Assert.Equal(slot.FreePlaces, decisions.Count(decision => decision.Confirmed));
        Assert.All(decisions.Where(decision => !decision.Confirmed), decision =>
        {
            Assert.Equal(409, decision.Status);
            Assert.Equal("fully-booked", (string?)decision.Body["reasonCode"]);
        });
        var after = await GetSlotAsync(slot.Clinic.Id, slot.Date, slot.Start, ct);
        Assert.Equal(slot.Capacity, (int)after["booked"]!);
        Assert.Equal(0, (int)after["free"]!);
        Assert.Equal("full", (string?)after["state"]);
        return decisions;
    }

    /// <summary>
    /// Step 4: every patient gets exactly one email. A confirmation names the clinic and the reference and carries the
    /// appointment as a calendar file; a rejection gives the reason and a link back to the clinic's day on the web app,
    /// which opens.
    /// </summary>
    public async Task EachPatientGetsTheirEmailOnceAsync(IReadOnlyList<BookingDecision> decisions, CancellationToken ct = default)
    {
        var patients = decisions.Select(decision => decision.PatientEmail).ToList();
        var inbox = await WaitForEveryPatientsEmailAsync(patients, ct);
        // Every email is here; a duplicate would arrive right behind its original.
        await Task.Delay(DuplicateWindow, ct);
        inbox = await _inbox.ForRecipientsAsync(patients, ct);

        foreach (var decision in decisions)
        {
            var email = Assert.Single(inbox[decision.PatientEmail]);
            if (decision.Confirmed)
            {
                await AssertConfirmationAsync(decision, email, ct);
            }
            else
            {
                await AssertRejectionAsync(decision, email, ct);
            }
        }
    }

    public void Dispose()
    {
        _web.Dispose();
        _api.Dispose();
        _mail.Dispose();
    }

    private async Task AssertConfirmationAsync(BookingDecision decision, CaughtEmail email, CancellationToken ct)
    {
        Assert.StartsWith($"{ConfirmationSubject}{decision.Clinic.Name}, ", email.Subject);
        Assert.Contains((string)decision.Body["reference"]!, email.Text);
        Assert.Contains($"/bookings/{(string)decision.Body["id"]!}?lang=en", email.Text);

        var calendar = Assert.Single(email.Attachments ?? [], attachment =>
            attachment.ContentType.StartsWith("text/calendar", StringComparison.OrdinalIgnoreCase) ||
            (attachment.FileName?.EndsWith(".ics", StringComparison.OrdinalIgnoreCase) ?? false));
        var ics = (await _inbox.GetAttachmentAsync(email, calendar, ct)).Replace("\r\n ", "");
        Assert.Contains("BEGIN:VCALENDAR", ics);
        Assert.Contains($"DTSTART:{decision.Start.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}", ics);
        Assert.Contains($"DTEND:{decision.Start.AddMinutes(30).UtcDateTime:yyyyMMdd'T'HHmmss'Z'}", ics);
    }

    private async Task AssertRejectionAsync(BookingDecision decision, CaughtEmail email, CancellationToken ct)
    {
        Assert.StartsWith($"{RejectionSubject}{decision.Clinic.Name}, ", email.Subject);
        Assert.Contains(FullyBookedReason, email.Text);
        Assert.Empty(email.Attachments ?? []);

        // The link back starts at the notifier's Email:PublicBaseUrl, the web app's public address.
        var pathAndQuery = $"/book?clinic={decision.Clinic.Id}&date={decision.Date:yyyy-MM-dd}&lang=en";
        var link = LinkPattern().Matches(email.Text ?? "").Select(match => new Uri(match.Value))
            .SingleOrDefault(uri => uri.PathAndQuery == pathAndQuery);
        Assert.True(link is not null, $"The rejection has no link to {pathAndQuery}:\n{email.Text}");
        Assert.Equal(_system.Web.Port, link.Port);

        using var page = await _web.GetAsync(link.PathAndQuery, ct);
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Contains(decision.Clinic.Name, await page.Content.ReadAsStringAsync(ct));
    }

    private async Task<IReadOnlyDictionary<string, List<CaughtEmail>>> WaitForEveryPatientsEmailAsync(IReadOnlyList<string> patients, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + EmailTimeout;
        while (true)
        {
            var inbox = await _inbox.ForRecipientsAsync(patients, ct);
            var waitingFor = patients.Count(patient => inbox[patient].Count == 0);
            if (waitingFor == 0)
            {
                return inbox;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{waitingFor} of {patients.Count} patients got no email within {EmailTimeout}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
    }

    /// <summary>The first slot from two days on that nobody has booked yet, so that "now" passing changes nothing.</summary>
    private async Task<(DateOnly Date, DateTimeOffset Start, int Capacity)> FindUntouchedSlotAsync(Clinic clinic, CancellationToken ct)
    {
        var from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2);
        var range = await _api.GetFromJsonAsync<JsonObject>(
            FormattableString.Invariant($"api/availability?from={from:yyyy-MM-dd}&to={from.AddDays(30):yyyy-MM-dd}"), ct);
        var days = range!["clinics"]!.AsArray().Single(days => (int)days!["clinicId"]! == clinic.Id)!["days"]!.AsArray()
            .Where(day => !(bool)day!["closed"]! && (int)day["freeSlots"]! > 0)
            .Select(day => DateOnly.ParseExact((string)day!["date"]!, "yyyy-MM-dd", CultureInfo.InvariantCulture));
        foreach (var date in days)
        {
            var untouched = (await GetDayAsync(clinic.Id, date, ct))["slots"]!.AsArray().FirstOrDefault(slot =>
                (string?)slot!["state"] == "available" && (int)slot["booked"]! == 0 && (int)slot["capacity"]! == clinic.Dentists);
            if (untouched is not null)
            {
                return (date, DateTimeOffset.Parse((string)untouched["start"]!, CultureInfo.InvariantCulture), (int)untouched["capacity"]!);
            }
        }

        Assert.Fail($"{clinic.Name} has no slot left that nobody booked in the 30 days from {from:yyyy-MM-dd}.");
        throw new InvalidOperationException();
    }

    private async Task<JsonObject> GetDayAsync(int clinicId, DateOnly date, CancellationToken ct) =>
        (await _api.GetFromJsonAsync<JsonObject>(FormattableString.Invariant($"api/clinics/{clinicId}/availability?date={date:yyyy-MM-dd}"), ct))!;

    private async Task<JsonObject> GetSlotAsync(int clinicId, DateOnly date, DateTimeOffset start, CancellationToken ct) =>
        (await GetDayAsync(clinicId, date, ct))["slots"]!.AsArray()
            .Single(slot => DateTimeOffset.Parse((string)slot!["start"]!, CultureInfo.InvariantCulture) == start)!.AsObject();

    private async Task<BookingDecision> RequestBookingAsync(Clinic clinic, DateOnly date, DateTimeOffset start, string patientEmail, CancellationToken ct)
    {
        var request = new
        {
            requestId = Guid.NewGuid(),
            clinicId = clinic.Id,
            start = start.ToString("O", CultureInfo.InvariantCulture),
            patient = new { name = "Scenario Patient", email = patientEmail, phone = "+46 31 123 45 67" },
            language = "en",
        };
        using var response = await _api.PostAsJsonAsync("api/bookings", request, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(JsonSerializerOptions.Web, ct);
        return new BookingDecision(patientEmail, clinic, date, start, (int)response.StatusCode, body ?? []);
    }

    /// <summary>Unique per patient, so the scenario's emails are its own in a MailDev that others use too.</summary>
    private static string NewPatientEmail() => $"scenario-{Guid.NewGuid():N}@example.com";

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex LinkPattern();
}

public sealed record Clinic(int Id, string Name, int Dentists);

/// <summary>A slot booked in step 2: its capacity, and the places left after that booking.</summary>
public sealed record BookedSlot(Clinic Clinic, DateOnly Date, DateTimeOffset Start, int Capacity, int FreePlaces, BookingDecision Decision);

/// <summary>BookingApi's answer to one patient's request: 201 with the booking, or a problem with its reasonCode.</summary>
public sealed record BookingDecision(string PatientEmail, Clinic Clinic, DateOnly Date, DateTimeOffset Start, int Status, JsonObject Body)
{
    public bool Confirmed => Status == 201;
}
