using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dentistimo.Web.Pages;

// Asked for directly there is no failure to show, so it is a 404, not a made-up error answered 200.
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public int? ErrorStatusCode => HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalStatusCode;

    public bool FailedChangingABooking =>
        HttpMethods.IsPost(HttpContext.Request.Method)
        && HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath is { } path
        && path.EndsWith("/manage", StringComparison.OrdinalIgnoreCase);

    // The page is shown with the failed request's own method, for most of which it has no handler.
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
