using System.Globalization;
using Dentistimo.Contracts;
using Dentistimo.Contracts.Api;
using Dentistimo.Web.Infrastructure;
using Dentistimo.Web.Localization;
using Dentistimo.Web.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Dentistimo.Web.Pages.Bookings;

// Mail scanners open every link, so a GET only shows and changes are POSTs. The token in the form is what a cross-site
// forger lacks, so no antiforgery token (and no shared key ring) is needed.
[IgnoreAntiforgeryToken]
public sealed class ManageModel(
    BookingApiClient bookingApi,
    BookingAttemptLimiter attempts,
    StockholmCalendar calendar,
    TimeProvider time,
    IStringLocalizer<ManageModel> localizer,
    ILogger<ManageModel> logger)
    : PageModel
{
    public const string CancelledNotice = "cancelled";
    public const string MovedNotice = "moved";

    private const string DateFormat = "yyyy-MM-dd";

    private const string ChooseAFreeTime = BookingForm.Messages.ChooseAFreeTime;

    private const string UnknownRefusal = "unknown";

    public static string Link(Guid bookingId, string token, string language) =>
        $"/bookings/{bookingId}/manage" + QueryString.Create([KeyValuePair.Create("token", (string?)token), KeyValuePair.Create(Languages.QueryKey, (string?)language)]);

    public ManagedBookingResponse Managed { get; private set; } = null!;

    public BookingResponse Booking => Managed.Booking;

    public string Token { get; private set; } = "";

    public DateTimeOffset LocalStart => ClinicTime.ToLocal(Booking.Start);

    public DateTimeOffset LocalEnd => ClinicTime.ToLocal(Booking.End);

    public DateOnly AppointmentDate => DateOnly.FromDateTime(LocalStart.DateTime);

    public bool IsCancelled => Booking.Status == BookingResponse.CancelledStatus;

    // BookingApi judges each change again.
    public bool CanChange => Booking.IsConfirmed && Managed.ChangeableUntil is { } until && until > time.GetUtcNow();

    public string? Notice { get; private set; }

    public string? RefusalCode { get; private set; }

    public DateOnly MoveDate { get; private set; }

    public DateOnly FirstMoveDate { get; private set; }

    public DateOnly LastMoveDate { get; private set; }

    public DayAvailability? MoveDay { get; private set; }

    // The time the patient chose, kept when the move is refused or asked for again.
    public string? ChosenStart { get; private set; }

    // A refusal of the chosen time is said beside the times while they are shown; any other, or with no times to show
    // it beside, above the page.
    public string? TimeRefusal => CanChange && MoveDay is { Closed: false } && DisplayTexts.IsAboutTheChosenTime(RefusalCode) ? RefusalCode : null;

    public string? PageRefusal => TimeRefusal is null ? RefusalCode : null;

    public SlotGrid? MoveGrid => MoveDay is { } day
        ? new SlotGrid(day, "start", ChosenStart, ModelState["start"]?.Errors.Count > 0 || TimeRefusal is not null, Held: Booking.Start, StartsAfter: Managed.MovesStartAfter)
        : null;

    public bool HasFreeTimes => MoveGrid?.HasChoosable == true;

    // The hint's minute: a move must start after MovesStartAfter, so every time before the next whole minute is refused.
    public DateTimeOffset? MovesFrom => Managed.MovesStartAfter is { } after
        ? new DateTimeOffset(after.Ticks - after.Ticks % TimeSpan.TicksPerMinute, after.Offset).AddMinutes(1)
        : null;

    public async Task<IActionResult> OnGetAsync(
        Guid id, string? token, string? date, string? notice, string? refused, string? start, CancellationToken cancellationToken)
    {
        // After a refusal the day is shown as it is now: the time just taken must show as taken.
        if (await LoadAsync(id, token, date, currentDay: refused is not null, cancellationToken) is { } notFound)
        {
            return notFound;
        }

        Notice = notice is CancelledNotice or MovedNotice ? notice : null;
        RefusalCode = refused;
        ChosenStart = refused is null ? null : start;
        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(Guid id, [FromForm] string? token, CancellationToken cancellationToken)
    {
        if (!IsPlausible(token))
        {
            return NotFound();
        }

        if (attempts.TryAcquire(HttpContext.Connection.RemoteIpAddress) is { } clientWait)
        {
            return await AskToWaitAsync(id, token, date: null, clientWait, cancellationToken);
        }

        var outcome = await bookingApi.CancelBookingAsync(id, token, cancellationToken);
        return await AnswerAsync(id, token, outcome, CancelledNotice, date: null, cancellationToken);
    }

    public async Task<IActionResult> OnPostMoveAsync(Guid id, [FromForm] string? token, [FromForm] string? start, [FromForm] string? date, CancellationToken cancellationToken)
    {
        if (!IsPlausible(token))
        {
            return NotFound();
        }

        ChosenStart = start;
        // The time comes from the listed slots: anything else is a stale or tampered form, or none was chosen.
        if (!DateTimeOffset.TryParse(start, CultureInfo.InvariantCulture, DateTimeStyles.None, out var newStart))
        {
            return await ShowAgainAsync(id, token, date, ChooseAFreeTime, cancellationToken);
        }

        if (attempts.TryAcquire(HttpContext.Connection.RemoteIpAddress) is { } clientWait)
        {
            return await AskToWaitAsync(id, token, date, clientWait, cancellationToken);
        }

        var outcome = await bookingApi.MoveBookingAsync(id, token, newStart, cancellationToken);
        var newDate = ClinicTime.LocalDate(newStart).ToString(DateFormat, CultureInfo.InvariantCulture);
        return outcome is BookingChangeOutcome.Invalid
            ? await ShowAgainAsync(id, token, date, ChooseAFreeTime, cancellationToken)
            : await AnswerAsync(id, token, outcome, MovedNotice, newDate, cancellationToken, chosen: start);
    }

    private async Task<IActionResult> AnswerAsync(
        Guid id, string token, BookingChangeOutcome outcome, string notice, string? date, CancellationToken cancellationToken, string? chosen = null)
    {
        var here = Link(id, token, Languages.Current);
        switch (outcome)
        {
            case BookingChangeOutcome.Changed:
                logger.LogInformation("Booking {BookingId} {Change} by its patient", id, notice);
                return Redirect($"{here}&notice={notice}");
            case BookingChangeOutcome.Refused { ReasonCode: var code }:
                logger.LogInformation("BookingApi refused to have booking {BookingId} {Change}: {ReasonCode}", id, notice, code);
                var day = date is null ? "" : $"&date={date}";
                var time = chosen is null ? "" : $"&start={Uri.EscapeDataString(chosen)}";
                return Redirect($"{here}&refused={Uri.EscapeDataString(code)}{day}{time}");
            case BookingChangeOutcome.TooManyRequests { RetryAfter: var wait }:
                return await AskToWaitAsync(id, token, date, wait, cancellationToken, byBookingApi: true);
            case BookingChangeOutcome.NotFound:
                return NotFound();
            default:
                logger.LogWarning("BookingApi refused the request to have booking {BookingId} {Change} as invalid", id, notice);
                return Redirect($"{here}&refused={UnknownRefusal}");
        }
    }

    private async Task<IActionResult> ShowAgainAsync(Guid id, string token, string? date, string message, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, token, date, currentDay: false, cancellationToken) is { } notFound)
        {
            return notFound;
        }

        ModelState.AddModelError("start", localizer[message]);
        return Page();
    }

    private async Task<IActionResult> AskToWaitAsync(
        Guid id, string token, string? date, TimeSpan wait, CancellationToken cancellationToken, bool byBookingApi = false)
    {
        if (await LoadAsync(id, token, date, currentDay: false, cancellationToken) is { } notFound)
        {
            return notFound;
        }

        logger.LogWarning("A change to booking {BookingId} was turned away by {Limit}", id, byBookingApi ? "BookingApi's limits" : "the per-client limit");
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        Response.StatusCode = StatusCodes.Status429TooManyRequests;
        Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        ModelState.AddModelError("", localizer[byBookingApi
            ? "Many people are using the booking service right now. Nothing was changed. Please try again in {0} seconds."
            : "You have sent many requests in a short time. Nothing was changed. Please try again in {0} seconds.", seconds]);
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(Guid id, string? token, string? date, bool currentDay, CancellationToken cancellationToken)
    {
        if (!IsPlausible(token) || await bookingApi.GetManagedBookingAsync(id, token, cancellationToken) is not { } managed)
        {
            return NotFound();
        }

        // The address carries the key to change the booking.
        Response.UseForKeyedAddress();
        Managed = managed;
        Token = token;
        if (HttpMethods.IsPost(Request.Method))
        {
            LanguageSwitch.LinkTo(HttpContext, Link(id, token, Languages.Current) + (date is null ? "" : $"&date={Uri.EscapeDataString(date)}"));
        }

        if (!CanChange)
        {
            return null;
        }

        var window = await bookingApi.GetBookingWindowAsync(cancellationToken);
        FirstMoveDate = calendar.Today;
        LastMoveDate = FirstMoveDate.AddDays(window.HorizonDays - 1);
        MoveDate = DateOnly.TryParseExact(date, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var asked) && calendar.IsBookable(asked, window)
            ? asked
            : calendar.IsBookable(AppointmentDate, window) ? AppointmentDate : FirstMoveDate;
        MoveDay = currentDay
            ? await bookingApi.GetCurrentDayAsync(Booking.ClinicId, MoveDate, cancellationToken)
            : await bookingApi.GetDayAsync(Booking.ClinicId, MoveDate, cancellationToken);
        return null;
    }

    // A mangled link is a 404 like any wrong token, not a failure that would trip the circuit breaker for every patient.
    private static bool IsPlausible([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? token) => ManageTokens.IsWellFormed(token);
}
