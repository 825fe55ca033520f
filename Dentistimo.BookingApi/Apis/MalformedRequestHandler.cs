using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Dentistimo.BookingApi.Apis;

/// <summary>Malformed JSON gets a validation problem naming the field, as every other input error does.</summary>
internal sealed class MalformedRequestHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        var problem = badRequest.InnerException is JsonException json
            ? new ValidationProblemDetails(new Dictionary<string, string[]> { [FieldName(json.Path)] = ["This value has the wrong type or format."] })
            {
                Title = "The request body is not valid",
                Status = badRequest.StatusCode,
            }
            : new ProblemDetails { Title = "Bad request", Detail = badRequest.Message, Status = badRequest.StatusCode };

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>System.Text.Json reports "$.patient.email"; clients know the field as "patient.email".</summary>
    private static string FieldName(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "body" : jsonPath.TrimStart('$', '.');
}
