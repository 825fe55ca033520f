using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Dentistimo.BookingApi.Apis;

/// <summary>
/// 503 with Retry-After, which clients retry, rather than a defect's 500. The connection can drop after a decision
/// committed, so a POST's answer says it may stand and that sending the same request id again is safe.
/// </summary>
internal sealed partial class DatabaseUnavailableHandler(IProblemDetailsService problemDetails, ILogger<DatabaseUnavailableHandler> logger)
    : IExceptionHandler
{
    private const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (TransientDatabaseError(exception) is not { } unreachable)
        {
            return false;
        }

        // Npgsql's transient errors name the server, never what a query carried.
        LogDatabaseUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, unreachable.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The booking database is unavailable",
                Detail = HttpMethods.IsPost(httpContext.Request.Method)
                    ? $"The request may or may not have been decided. Try again in {RetryAfterSeconds} seconds; the same request id is safe to send again."
                    : $"Try again in {RetryAfterSeconds} seconds.",
            },
            Exception = exception,
        });
    }

    // EF Core wraps Npgsql's error.
    private static NpgsqlException? TransientDatabaseError(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is NpgsqlException { IsTransient: true } transient)
            {
                return transient;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the booking database is unavailable ({Reason})")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string method, string path, string reason);
}
