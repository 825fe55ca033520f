using Dentistimo.Web.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Dentistimo.Web.Infrastructure;

// The status code pages turn the 503 into a "try again in a minute" page rather than an exception page.
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
