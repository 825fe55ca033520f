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

    // A booking request is a few hundred bytes; anything much larger is a mistake or an attack.
    public const long MaxRequestBodyBytes = 4 * 1024;

    private static readonly IReadOnlyDictionary<string, (string Title, string Detail)> s_rejections = new Dictionary<string, (string, string)>
    {
        [RejectionReason.FullyBooked.ToApiCode()] = ("Fully booked", "Every dentist is already booked at that time. Please choose another time."),
        [RejectionReason.NoSuchSlot.ToApiCode()] = ("No such time", "The clinic has no appointment starting at that time, or it is closed that day."),
        [RejectionReason.OutsideBookingWindow.ToApiCode()] = ("Outside the booking window", "That time has passed or is too far ahead to book."),
        [RejectionReason.PatientAlreadyBooked.ToApiCode()] = ("Already booked", "You already have an appointment at that time."),
        [RejectionReason.PatientLimitReached.ToApiCode()] = ("Too many upcoming appointments", "You already hold as many upcoming appointments as one patient may."),
    };

    // {0} is the clinic's name, {1} its phone number.
    private static readonly IReadOnlyDictionary<string, (string Title, string Detail)> s_changeRefusals = new Dictionary<string, (string, string)>
    {
        [ChangeRefusalCodes.TooLateToChange] = ("Too late to change online", "The appointment starts soon or has started. Please call {0} at {1}."),
        [ChangeRefusalCodes.TooSoonToMoveTo] = ("Too soon to move to online", "That time starts too soon to be changed online afterwards. Please choose a later time or call {0} at {1}."),
        [ChangeRefusalCodes.NotConfirmed] = ("No appointment to change", "This booking request was turned down, so there is no appointment to change."),
        [ChangeRefusalCodes.Cancelled] = ("Appointment cancelled", "This appointment is cancelled. Please book a new time."),
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

        // The manage token is a bearer token, never in the URL, where logs and traces would keep it.
        api.MapGet("/{bookingId:guid}/manage", GetManagedBookingAsync).WithName("GetManagedBooking")
            .WithSummary("A booking as the page that cancels or moves it shows it (bearer: the manage token)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{bookingId:guid}/cancellation", CancelBookingAsync).WithName("CancelBooking")
            .WithSummary("Cancel a confirmed appointment (bearer: the manage token); sending it again changes nothing")
            .RequireRateLimiting(RateLimitPolicy)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/{bookingId:guid}/move", MoveBookingAsync).WithName("MoveBooking")
            .WithSummary("Move a confirmed appointment to another free time at its clinic (bearer: the manage token), all or nothing")
            .RequireRateLimiting(RateLimitPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBodyBytes))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    // No body, or JSON null, gets every field's error, as {} does, rather than the framework's words about binding.
    public static async Task<Results<Created<BookingResponse>, ProblemHttpResult, ValidationProblem>> RequestBookingAsync(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] CreateBookingRequest? request,
        BookingService bookings, ClinicCatalog catalog, ManageTokens manageTokens, CancellationToken cancellationToken)
    {
        if (BookingRequestValidator.Validate(request ?? CreateBookingRequest.Missing, out var errors) is not { } command)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await bookings.RequestAsync(command, cancellationToken) switch
        {
            BookingResult.Decided { Booking: var booking, Earlier: var earlier } =>
                await RespondAsync(booking, earlier ? null : manageTokens, catalog, cancellationToken),
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
            return NoSuchBooking(bookingId);
        }

        return TypedResults.Ok(BookingResponses.From(booking, await catalog.FindAsync(booking.ClinicId, cancellationToken)));
    }

    public static async Task<Results<Ok<ManagedBookingResponse>, ProblemHttpResult>> GetManagedBookingAsync(
        Guid bookingId, HttpRequest request, AppointmentChangeService changes, CancellationToken cancellationToken)
    {
        if (await changes.FindAsync(bookingId, BearerToken(request), cancellationToken) is not { } managed)
        {
            return NoSuchBooking(bookingId);
        }

        return TypedResults.Ok(new ManagedBookingResponse(
            BookingResponses.From(managed.Booking, managed.Clinic), managed.ChangeableUntil, managed.Clinic?.Clinic.Phone, managed.MovesStartAfter));
    }

    public static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> CancelBookingAsync(
        Guid bookingId, HttpRequest request, AppointmentChangeService changes, ClinicCatalog catalog, CancellationToken cancellationToken) =>
        await RespondToChangeAsync(bookingId, await changes.CancelAsync(bookingId, BearerToken(request), cancellationToken), catalog, cancellationToken);

    public static async Task<Results<Ok<BookingResponse>, ProblemHttpResult, ValidationProblem>> MoveBookingAsync(
        Guid bookingId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] MoveBookingRequest? move, HttpRequest request,
        AppointmentChangeService changes, ClinicCatalog catalog, CancellationToken cancellationToken)
    {
        if (!BookingRequestValidator.TryParseStart(move?.Start, out var start, out var error))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["start"] = [error] });
        }

        var answer = await RespondToChangeAsync(bookingId, await changes.MoveAsync(bookingId, BearerToken(request), start, cancellationToken), catalog, cancellationToken);
        return answer.Result is Ok<BookingResponse> moved ? moved : (ProblemHttpResult)answer.Result;
    }

    private static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> RespondToChangeAsync(
        Guid bookingId, ChangeResult result, ClinicCatalog catalog, CancellationToken cancellationToken)
    {
        switch (result)
        {
            case ChangeResult.Changed { Booking: var booking }:
                return TypedResults.Ok(BookingResponses.From(booking, await catalog.FindAsync(booking.ClinicId, cancellationToken)));
            case ChangeResult.Refused { Code: var code, Clinic: var clinic }:
                var (title, detail) = s_changeRefusals.TryGetValue(code, out var refusal) ? refusal : s_rejections[code];
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: title,
                    detail: string.Format(System.Globalization.CultureInfo.InvariantCulture, detail, clinic.Clinic.Name, clinic.Clinic.Phone),
                    type: $"https://dentistimo.com/problems/{code}",
                    extensions: new Dictionary<string, object?> { ["reasonCode"] = code });
            default:
                return NoSuchBooking(bookingId);
        }
    }

    private static ProblemHttpResult NoSuchBooking(Guid bookingId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "No such booking", detail: $"There is no booking with id {bookingId}.");

    private static string? BearerToken(HttpRequest request) =>
        request.Headers.Authorization.ToString() is var value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? value["Bearer ".Length..].Trim()
            : null;

    private static async Task<Results<Created<BookingResponse>, ProblemHttpResult, ValidationProblem>> RespondAsync(
        BookingRecord booking, ManageTokens? manageTokens, ClinicCatalog catalog, CancellationToken cancellationToken)
    {
        var response = BookingResponses.From(booking, await catalog.FindAsync(booking.ClinicId, cancellationToken));
        if (booking.Status == BookingStatus.Confirmed)
        {
            // The key goes with the first answer only: anyone who can make a request's id (a no-script form's is derived
            // from what was typed) can send it again. The confirmation email carries it to the address's owner.
            return TypedResults.Created($"/api/bookings/{booking.Id}", response with { ManageToken = manageTokens?.For(booking.Id) });
        }

        if (booking.Status == BookingStatus.Cancelled)
        {
            // Sent again after its cancellation: answered with the booking as it stands, which is no rejection.
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
        booking.Status switch
        {
            BookingStatus.Confirmed => BookingResponse.ConfirmedStatus,
            BookingStatus.Cancelled => BookingResponse.CancelledStatus,
            _ => BookingResponse.RejectedStatus,
        },
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
