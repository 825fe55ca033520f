using System.Globalization;
using Dentistimo.BookingApi.Model;
using Dentistimo.BookingApi.Model.Scheduling;
using Dentistimo.BookingApi.Services;
using Dentistimo.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Dentistimo.BookingApi.Apis;

public static class ClinicsApi
{
    // A quarter: a little more than the default 90-day horizon.
    public const int MaxRangeDays = 93;

    public const string DayAvailabilityCachePolicy = "day-availability";

    private static readonly string[] s_weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    public static IEndpointRouteBuilder MapClinicsApi(this IEndpointRouteBuilder app)
    {
        // The limits guard the decisions' database pool; a read never had a limit, and now skips the limiter's lookup too.
        var api = app.MapGroup("/api").WithTags("Clinics").DisableRateLimiting();
        api.MapGet("/clinics", GetClinicsAsync).WithName("GetClinics").WithSummary("The clinic registry");
        api.MapGet("/clinics/{clinicId:int}/availability", GetDayAvailabilityAsync).WithName("GetDayAvailability")
            .WithSummary("Every slot of one Stockholm date at a clinic, with capacity, bookings and state")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AddOpenApiOperationTransformer(DescribeAsRequiredDates("date"))
            .CacheOutput(DayAvailabilityCachePolicy);
        api.MapGet("/availability", GetRangeAvailabilityAsync).WithName("GetAvailability")
            .WithSummary("Free slots per clinic per day over a date range")
            .AddOpenApiOperationTransformer(DescribeAsRequiredDates("from", "to"));
        api.MapGet("/booking-window", GetBookingWindow).WithName("GetBookingWindow")
            .WithSummary("How far ahead slots can be booked: the Stockholm dates from today through today + horizonDays - 1");
        return app;
    }

    // The web's date picker follows this answer, so BookingApi is the one source of its horizon.
    public static Ok<BookingWindowResponse> GetBookingWindow(BookingPolicy policy) =>
        TypedResults.Ok(new BookingWindowResponse(policy.HorizonDays));

    private static int MaxRangeDaysFor(BookingPolicy policy) => Math.Max(MaxRangeDays, policy.HorizonDays);

    public static async Task<IReadOnlyList<ClinicResponse>> GetClinicsAsync(ClinicCatalog catalog, CancellationToken cancellationToken) =>
        (await catalog.GetAllAsync(cancellationToken)).OrderBy(entry => entry.Clinic.Id).Select(entry => ClinicResponse.From(entry.Clinic)).ToList();

    public static async Task<Results<Ok<DayAvailabilityResponse>, ValidationProblem, ProblemHttpResult>> GetDayAvailabilityAsync(
        int clinicId, string? date, ClinicCatalog catalog, AvailabilityService availability, CancellationToken cancellationToken)
    {
        if (!TryParseDate(date, out var day))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["date"] = [$"Give the date as YYYY-MM-DD, in {StockholmTime.SupportedYears}."] });
        }

        if (await catalog.FindAsync(clinicId, cancellationToken) is not { } clinic)
        {
            return ClinicNotFound(clinicId);
        }

        return TypedResults.Ok(DayAvailabilityResponse.From(await availability.GetDayAsync(clinic, day, cancellationToken)));
    }

    public static async Task<Results<Ok<RangeAvailabilityResponse>, ValidationProblem>> GetRangeAvailabilityAsync(
        string? from, string? to, ClinicCatalog catalog, AvailabilityService availability, BookingPolicy policy, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!TryParseDate(from, out var first))
        {
            errors["from"] = [$"Give the first date as YYYY-MM-DD, in {StockholmTime.SupportedYears}."];
        }

        if (!TryParseDate(to, out var last))
        {
            errors["to"] = [$"Give the last date as YYYY-MM-DD, in {StockholmTime.SupportedYears}."];
        }
        else if (errors.Count == 0 && (last < first || last.DayNumber - first.DayNumber >= MaxRangeDaysFor(policy)))
        {
            errors["to"] = [$"The last date must be on or after the first, and the range at most {MaxRangeDaysFor(policy)} days."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var clinics = (await catalog.GetAllAsync(cancellationToken)).OrderBy(entry => entry.Clinic.Id).ToList();
        var days = await availability.GetDaysAsync(clinics, first, last, cancellationToken);
        return TypedResults.Ok(new RangeAvailabilityResponse(
            first,
            last,
            days.GroupBy(day => day.ClinicId)
                .Select(clinic => new ClinicDaysResponse(clinic.Key, clinic.Select(DaySummaryResponse.From).ToList()))
                .ToList()));
    }

    // Bound as text, so a bad date gets its field's message rather than a bare 400; the document still says "date".
    private static Func<OpenApiOperation, OpenApiOperationTransformerContext, CancellationToken, Task> DescribeAsRequiredDates(params string[] names) =>
        (operation, _, _) =>
        {
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>().Where(parameter => names.Contains(parameter.Name)) ?? [])
            {
                parameter.Required = true;
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" };
            }

            return Task.CompletedTask;
        };

    internal static ProblemHttpResult ClinicNotFound(int clinicId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such clinic", detail: $"There is no clinic with id {clinicId}.");

    private static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
        && StockholmTime.IsSupported(date);

    internal static IReadOnlyDictionary<string, string> InWeekdayOrder(IReadOnlyDictionary<string, string> hours) =>
        s_weekdays.Where(hours.ContainsKey).ToDictionary(day => day, day => hours[day]);
}

public sealed record CoordinatesResponse(double Latitude, double Longitude);

public sealed record ClinicResponse(
    int Id, string Name, string Address, CoordinatesResponse Coordinates, int Dentists, IReadOnlyDictionary<string, string> OpeningHours)
{
    public static ClinicResponse From(Clinic clinic) => new(
        clinic.Id, clinic.Name, clinic.Address, new CoordinatesResponse(clinic.Latitude, clinic.Longitude), clinic.Dentists,
        ClinicsApi.InWeekdayOrder(clinic.OpeningHours));
}

/// <param name="Version">Raised by every change of the slot's seats, as in SlotAvailabilityChanged: the newer of two has the higher.</param>
public sealed record SlotResponse(
    DateTimeOffset Start, DateTimeOffset End, string LocalTime, int Capacity, int Booked, int Free, string State, int Version)
{
    public static SlotResponse From(SlotAvailability slot) => new(
        slot.Slot.StartUtc, slot.Slot.EndUtc, slot.Slot.LocalStart.ToString("HH:mm", CultureInfo.InvariantCulture),
        slot.Slot.Capacity, slot.Booked, slot.Free, slot.State.ToApiCode(), slot.Version);
}

public sealed record DayAvailabilityResponse(
    int ClinicId, DateOnly Date, string TimeZone, bool Closed, string? ClosedReason, int FreeSlots, IReadOnlyList<SlotResponse> Slots)
{
    public static DayAvailabilityResponse From(DayAvailability day) => new(
        day.ClinicId, day.Date, ClinicTime.Zone.Id, day.ClosedReason is not null, day.ClosedReason?.ToApiCode(), day.FreeSlots,
        day.Slots.Select(SlotResponse.From).ToList());
}

/// <param name="FullSlots">No free and no full slots is a day that is over (or beyond the window), not a fully booked one.</param>
public sealed record DaySummaryResponse(DateOnly Date, bool Closed, string? ClosedReason, int TotalSlots, int FreeSlots, int FullSlots)
{
    public static DaySummaryResponse From(DayAvailability day) =>
        new(day.Date, day.ClosedReason is not null, day.ClosedReason?.ToApiCode(), day.Slots.Count, day.FreeSlots, day.FullSlots);
}

public sealed record ClinicDaysResponse(int ClinicId, IReadOnlyList<DaySummaryResponse> Days);

public sealed record BookingWindowResponse(int HorizonDays);

public sealed record RangeAvailabilityResponse(DateOnly From, DateOnly To, IReadOnlyList<ClinicDaysResponse> Clinics);
