using Dentistimo.Web.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Dentistimo.Web.Infrastructure;

/// <summary>
/// A page that cannot reach BookingApi answers 503, which the status code pages turn into a "try again in a minute"
/// page, instead of an exception page.
/// </summary>
public sealed class BookingApiUnavailableFilter(ILogger<BookingApiUnavailableFilter> logger) : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.Exception is BookingApiUnavailableException unavailable)
        {
            logger.LogWarning(unavailable, "BookingApi is unavailable; answering {Path} with 503", context.HttpContext.Request.Path);
            executed.ExceptionHandled = true;
            executed.Result = new StatusCodeResult(StatusCodes.Status503ServiceUnavailable);
        }
    }
}
