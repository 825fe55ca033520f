using Dentistimo.BookingApi.Model;
using Dentistimo.BookingApi.Model.Scheduling;
using Dentistimo.BookingApi.Services;
using Dentistimo.Contracts;
using Dentistimo.Contracts.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.OpenApi;

namespace Dentistimo.BookingApi.Apis;

public static class BookingsApi
{
    public const string RateLimitPolicy = "bookings";

    /// <summary>A booking request is a few hundred bytes; anything much larger is a mistake or an attack.</summary>
    public const long MaxRequestBodyBytes = 4 * 1024;

    private static readonly IReadOnlyDictionary<string, (string Title, string Detail)> s_rejections = new Dictionary<string, (string, string)>
    {
        [RejectionReason.FullyBooked.ToApiCode()] = ("Fully booked", "Every dentist is already booked at that time. Please choose another time."),
        [RejectionReason.NoSuchSlot.ToApiCode()] = ("No such time", "The clinic has no appointment starting at that time, or it is closed that day."),
        [RejectionReason.OutsideBookingWindow.ToApiCode()] = ("Outside the booking window", "That time has passed or is too far ahead to book."),
        [RejectionReason.PatientAlreadyBooked.ToApiCode()] = ("Already booked", "You already have an appointment at that time."),
        [RejectionReason.PatientLimitReached.ToApiCode()] = ("Too many upcoming appointments", "You already hold as many upcoming appointments as one patient may."),
    };

    public static IEndpointRouteBuilder MapBookingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/bookings").WithTags("Bookings");
        api.MapPost("/", RequestBookingAsync).WithName("RequestBooking")
            .WithSummary("Request a slot; the same requestId always gets the same answer")
            .RequireRateLimiting(RateLimitPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBodyBytes))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // Accepted empty only to answer it with every field's error: a client must send one.
                if (operation.RequestBody is OpenApiRequestBody body)
                {
                    body.Required = true;
                }

                return Task.CompletedTask;
            });
        api.MapGet("/{bookingId:guid}", GetBookingAsync).WithName("GetBooking")
            .WithSummary("A booking request's decision, for the page the patient returns to")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <param name="request">
    /// No body, or JSON null, is a request with every field missing: each gets its error, as for <c>{}</c>, rather than
    /// the framework's words about parameter binding.
    /// </param>
    public static async Task<Results<Created<BookingResponse>, ProblemHttpResult, ValidationProblem>> RequestBookingAsync(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] CreateBookingRequest? request,
        BookingService bookings, ClinicCatalog catalog, CancellationToken cancellationToken)
    {
        if (BookingRequestValidator.Validate(request ?? CreateBookingRequest.Missing, out var errors) is not { } command)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await bookings.RequestAsync(command, cancellationToken) switch
        {
            BookingResult.Decided { Booking: var booking } => await RespondAsync(booking, catalog, cancellationToken),
            BookingResult.UnknownClinic => TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["clinicId"] = [$"There is no clinic with id {command.ClinicId}."] }),
            BookingResult.RequestIdReused => TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Request id already used",
                detail: "This requestId was already used for a different booking request. Make a new requestId for each booking form."),
            var other => throw new InvalidOperationException($"Unexpected booking result {other}."),
        };
    }

    public static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> GetBookingAsync(
        Guid bookingId, BookingService bookings, ClinicCatalog catalog, CancellationToken cancellationToken)
    {
        if (await bookings.FindAsync(bookingId, cancellationToken) is not { } booking)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "No such booking", detail: $"There is no booking with id {bookingId}.");
        }

        return TypedResults.Ok(BookingResponses.From(booking, await catalog.FindAsync(booking.ClinicId, cancellationToken)));
    }

    private static async Task<Results<Created<BookingResponse>, ProblemHttpResult, ValidationProblem>> RespondAsync(
        BookingRecord booking, ClinicCatalog catalog, CancellationToken cancellationToken)
    {
        var response = BookingResponses.From(booking, await catalog.FindAsync(booking.ClinicId, cancellationToken));
        if (booking.Status == BookingStatus.Confirmed)
        {
            return TypedResults.Created($"/api/bookings/{booking.Id}", response);
        }

        var (title, detail) = s_rejections[booking.ReasonCode!];
        return TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: title,
            detail: detail,
            type: $"https://dentistimo.com/problems/{booking.ReasonCode}",
            extensions: new Dictionary<string, object?> { ["reasonCode"] = booking.ReasonCode, ["booking"] = response });
    }

    internal static string? ReasonFor(string? reasonCode) => reasonCode is null ? null : s_rejections[reasonCode].Detail;
}

internal static class BookingResponses
{
    public static BookingResponse From(BookingRecord booking, ClinicEntry? clinic) => new(
        booking.Id,
        booking.RequestId,
        booking.Status == BookingStatus.Confirmed ? BookingResponse.ConfirmedStatus : BookingResponse.RejectedStatus,
        booking.ReasonCode,
        BookingsApi.ReasonFor(booking.ReasonCode),
        booking.Reference,
        booking.ClinicId,
        clinic?.Clinic.Name,
        booking.StartUtc,
        booking.StartUtc + Slot.Length,
        ClinicTime.ToLocal(booking.StartUtc),
        booking.Language);
}
