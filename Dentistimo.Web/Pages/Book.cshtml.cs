using System.Globalization;
using Dentistimo.Contracts.Api;
using Dentistimo.Web.Infrastructure;
using Dentistimo.Web.Localization;
using Dentistimo.Web.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Localization;

namespace Dentistimo.Web.Pages;

// Output-cached, so nothing secret per visitor: cross-site posts are refused by their Fetch Metadata
// (CrossOriginProtection) rather than an antiforgery token. A rendered form's request id serves forms sent without
// scripts; everyone served the same cached copy gets it, so book.js makes each page its own.
[OutputCache(PolicyName = OutputCachePolicy)]
[IgnoreAntiforgeryToken]
public sealed class BookModel(
    BookingApiClient bookingApi,
    BookingAttemptLimiter attempts,
    IOutputCacheStore outputCache,
    StockholmCalendar calendar,
    IStringLocalizer<BookModel> localizer,
    ILogger<BookModel> logger)
    : PageModel
{
    public const string OutputCachePolicy = "booking-page";

    private const string FormWentWrong = "Something went wrong with this form. Please try again.";
    private const string SendAgain = "Nothing was booked yet: please check your choice and send the form again.";

    // The form checks the same rules first, so a field BookingApi refuses gets the form's format message.
    private static readonly IReadOnlyDictionary<string, (string Field, string Message)> s_formFields = new Dictionary<string, (string, string)>
    {
        ["start"] = (nameof(BookingForm.Start), BookingForm.Messages.ChooseAFreeTime),
        ["patient.name"] = (nameof(BookingForm.Name), BookingForm.Messages.NameFormat),
        ["patient.email"] = (nameof(BookingForm.Email), BookingForm.Messages.EmailFormat),
        ["patient.phone"] = (nameof(BookingForm.Phone), BookingForm.Messages.PhoneFormat),
    };

    [BindProperty]
    public BookingForm Form { get; set; } = new();

    public ClinicSummary Clinic { get; private set; } = null!;
    public DayAvailability Day { get; private set; } = null!;
    public DateOnly Date => Day.Date;

    public BookingResponse? Rejection { get; private set; }

    // The page shown back for a sent form, whose request id book.js keeps.
    public bool AnswersAForm => HttpMethods.IsPost(Request.Method);

    public IEnumerable<SlotAvailability> FreeSlots => Day.Slots.Where(slot => slot.IsBookable);

    // A sent form's answer shows back what the patient typed, so no cache may keep it.
    [NonHandler]
    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        if (HttpMethods.IsPost(Request.Method))
        {
            Response.Headers.CacheControl = "no-store";
            Form.CutToRuleLengths(ModelState, nameof(Form));
        }
    }

    public async Task<IActionResult> OnGetAsync(string? clinic, string? date, string? time, CancellationToken cancellationToken)
    {
        if (await LoadAsync(clinic, date, cancellationToken) is { } goHome)
        {
            return goHome;
        }

        Form.RequestId = Guid.NewGuid();
        Form.Start = FreeSlots.FirstOrDefault(slot => slot.LocalTime == time)?.Start.ToString("O", CultureInfo.InvariantCulture);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? clinic, string? date, CancellationToken cancellationToken)
    {
        if (await LoadAsync(clinic, date, cancellationToken, lastKnownDay: true) is { } goHome)
        {
            return goHome;
        }

        // A form made by hand, or by a browser without randomUUID: the form shown back carries this id from here on.
        if (Form.RequestId is null || Form.RequestId == Guid.Empty)
        {
            Form.RequestId = Guid.NewGuid();
            ModelState.Remove($"{nameof(Form)}.{nameof(BookingForm.RequestId)}");
        }

        // The time comes from a hidden field: anything unparsable is a tampered or stale form, not a patient's typo.
        var start = default(DateTimeOffset);
        if (Form.Start is { Length: > 0 } && !DateTimeOffset.TryParse(Form.Start, CultureInfo.InvariantCulture, DateTimeStyles.None, out start))
        {
            ModelState.AddModelError($"{nameof(Form)}.{nameof(Form.Start)}", localizer[BookingForm.Messages.ChooseAFreeTime]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (attempts.TryAcquire(HttpContext.Connection.RemoteIpAddress) is { } clientWait)
        {
            logger.LogWarning("Booking request {RequestId} turned away: its client sent too many in a short time", Form.RequestId);
            return AskToWait(clientWait, "You have sent many booking requests in a short time. Please try again in {0} seconds.");
        }

        var request = new BookingRequest(
            Form.RequestId.Value, Clinic.Id, start,
            new PatientDetails(Form.Name!.Trim(), Form.Email!.Trim(), string.IsNullOrWhiteSpace(Form.Phone) ? null : Form.Phone.Trim()),
            Languages.Current);

        BookingOutcome outcome;
        try
        {
            outcome = await bookingApi.RequestBookingAsync(request, cancellationToken);
        }
        catch (BookingApiUnavailableException exception)
        {
            // The request may or may not have arrived; the same request id makes trying again safe.
            logger.LogWarning(exception, "BookingApi did not answer booking request {RequestId}", Form.RequestId);
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            ModelState.AddModelError("", localizer["We could not reach the booking service, so we do not know whether your time was booked. Please try again: you will not be booked twice."]);
            return Page();
        }

        // The copies of this page rendered before the decision show its seats and carry its request id: this
        // replica's next visitor gets a fresh form.
        if (outcome is BookingOutcome.Confirmed or BookingOutcome.Rejected)
        {
            // Not cancelled with the request: the decision stands, and its answer must still be shown.
            await outputCache.EvictByTagAsync(BookingPageDayTag.For(Clinic.Id, Date), CancellationToken.None);
        }

        switch (outcome)
        {
            case BookingOutcome.Confirmed { Booking: var booking }:
                // The manage token comes with this answer only: the confirmation page links to the manage page with it.
                return Redirect($"/bookings/{booking.Id}" + QueryString.Create(
                    booking.ManageToken is { Length: > 0 } token
                        ? [KeyValuePair.Create(Languages.QueryKey, (string?)Languages.Current), KeyValuePair.Create("token", (string?)token)]
                        : [KeyValuePair.Create(Languages.QueryKey, (string?)Languages.Current)]));
            case BookingOutcome.Rejected { Booking: var booking }:
                Rejection = booking;
                await ReloadDayAsync(cancellationToken);
                StartNewRequest();
                return Page();
            case BookingOutcome.Invalid { Errors: var errors }:
                logger.LogWarning("BookingApi refused the fields {Fields} of booking request {RequestId}, which the form accepted", string.Join(", ", errors.Keys), Form.RequestId);
                ShowRefusedFields(errors.Keys);
                return Page();
            case BookingOutcome.TooManyRequests { RetryAfter: var wait }:
                logger.LogWarning("Booking request {RequestId} turned away by BookingApi's limits", Form.RequestId);
                return AskToWait(wait, "Many people are booking right now. Please try again in {0} seconds.");
            case BookingOutcome.RequestIdReused:
                // Another form sent with this form's id first (a page served from the same cached copy, or one from the
                // browser's history): the same choice, sent again under a new id, is this patient's own request.
                logger.LogWarning("Booking request {RequestId} carried an id another request used first; the form was given a new one", Form.RequestId);
                Form.RequestId = Guid.NewGuid();
                ModelState.Remove($"{nameof(Form)}.{nameof(BookingForm.RequestId)}");
                ModelState.AddModelError("", localizer[SendAgain]);
                return Page();
            default:
                StartNewRequest();
                ModelState.AddModelError("", localizer[FormWentWrong]);
                return Page();
        }
    }

    // R1.6: without a known clinic and a bookable date there is no booking page, only the way home.
    private async Task<IActionResult?> LoadAsync(string? clinic, string? date, CancellationToken cancellationToken, bool lastKnownDay = false)
    {
        var clinicId = int.TryParse(clinic, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : (int?)null;
        var day = DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : (DateOnly?)null;
        var found = clinicId is { } known ? await bookingApi.FindClinicAsync(known, cancellationToken) : null;
        var window = await bookingApi.GetBookingWindowAsync(cancellationToken);
        if (found is null || day is not { } bookableDay || !calendar.IsBookable(bookableDay, window))
        {
            var notice = found is null && !string.IsNullOrEmpty(clinic) ? HomeNotice.NoSuchClinic
                : found is null || string.IsNullOrEmpty(date) ? HomeNotice.ChooseBoth
                : day is not { } validDate ? HomeNotice.NotADate
                : validDate < calendar.Today ? HomeNotice.DayPassed
                : HomeNotice.BeyondBookingWindow;
            var parameters = new List<KeyValuePair<string, string?>> { new("notice", notice.ToQueryValue()) };
            if (found is not null)
            {
                parameters.Add(new("clinic", found.Id.ToString(CultureInfo.InvariantCulture)));
            }

            if (day is { } validDay && calendar.IsBookable(validDay, window))
            {
                parameters.Add(new("date", validDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            }

            parameters.Add(new(Languages.QueryKey, Languages.Current));
            return Redirect("/" + QueryString.Create(parameters));
        }

        Clinic = found;
        var availability = lastKnownDay
            ? await bookingApi.GetDayOrLastKnownAsync(found.Id, bookableDay, cancellationToken)
            : await bookingApi.GetDayAsync(found.Id, bookableDay, cancellationToken);
        Day = availability ?? throw new BookingApiUnavailableException($"BookingApi knows clinic {found.Id} but not its availability.");
        return null;
    }

    private async Task ReloadDayAsync(CancellationToken cancellationToken) =>
        Day = await bookingApi.GetCurrentDayAsync(Clinic.Id, Date, cancellationToken) ?? Day;

    // Keeps the request id: sending the form again later is still the same request, decided once.
    private PageResult AskToWait(TimeSpan wait, string message)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        Response.StatusCode = StatusCodes.Status429TooManyRequests;
        Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        ModelState.AddModelError("", localizer[message, seconds]);
        return Page();
    }

    // BookingApi's wording is for API clients; the patient sees the form's own messages.
    private void ShowRefusedFields(IEnumerable<string> apiFields)
    {
        var formErrors = apiFields
            .Select(apiField => s_formFields.TryGetValue(apiField, out var formField)
                ? ($"{nameof(Form)}.{formField.Field}", formField.Message)
                : ("", FormWentWrong))
            .DefaultIfEmpty(("", FormWentWrong))
            .Distinct();
        foreach (var (field, message) in formErrors)
        {
            ModelState.AddModelError(field, localizer[message]);
        }
    }

    // Choosing another time is a new booking request; clearing ModelState lets the new id show.
    private void StartNewRequest()
    {
        Form.RequestId = Guid.NewGuid();
        ModelState.Remove($"{nameof(Form)}.{nameof(BookingForm.RequestId)}");
        Form.Start = null;
        ModelState.Remove($"{nameof(Form)}.{nameof(BookingForm.Start)}");
    }
}
