using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
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

    public IActionResult OnGet() => ShowsAFailedRequest ? Page() : NotFound();

    /// <summary>A form post that failed is shown here as a post.</summary>
    public IActionResult OnPost() => OnGet();

    private bool ShowsAFailedRequest =>
        HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null || HttpContext.Features.Get<IExceptionHandlerFeature>() is not null;
}
