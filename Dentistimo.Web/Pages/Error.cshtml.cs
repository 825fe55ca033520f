using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dentistimo.Web.Pages;

/// <summary>
/// Shown by the status code pages and the exception handler in place of a request that failed. Asked for directly there
/// is no failure to show, so it is a page that does not exist, not a made-up error answered 200.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    /// <summary>The status the failed request was answered with; null after an exception.</summary>
    public int? ErrorStatusCode => HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalStatusCode;

    /// <summary>Whether the failed request was a cancellation or a move sent from a booking's manage page.</summary>
    public bool FailedChangingABooking =>
        HttpMethods.IsPost(HttpContext.Request.Method)
        && HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath is { } path
        && path.EndsWith("/manage", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Any method: the page is shown with the failed request's own (a form post, a PUT answered 405), and has no
    /// handler for most of them, so the check is made before any handler would run.
    /// </summary>
    [NonHandler]
    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        if (!ShowsAFailedRequest)
        {
            context.Result = NotFound();
        }
    }

    private bool ShowsAFailedRequest =>
        HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null || HttpContext.Features.Get<IExceptionHandlerFeature>() is not null;
}
