using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Dentistimo.Web.Infrastructure;

public sealed class FormBodyLimitOptions
{
    public const string SectionName = "FormBodyLimit";

    // A booking form is well under 2 KiB.
    [Range(1024, 1024 * 1024)]
    public int MaxBytes { get; set; } = 16 * 1024;
}

public static class FormBodyLimit
{
    public static IApplicationBuilder UseFormBodyLimit(this IApplicationBuilder app)
    {
        var maxBytes = app.ApplicationServices.GetRequiredService<IOptions<FormBodyLimitOptions>>().Value.MaxBytes;
        return app.Use(async (context, next) =>
        {
            // The status code pages show the 413 page with the same request, whose body is still too large.
            if (context.Features.Get<IStatusCodeReExecuteFeature>() is not null)
            {
                await next(context);
                return;
            }

            if (context.Request.ContentLength > maxBytes || !await BufferBodyWithoutLengthAsync(context.Request, maxBytes, context.RequestAborted))
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }

            await next(context);
        });
    }

    // A chunked body tells its size only as it is read: read it here, so no later reader (form binding, which would
    // fail quietly) meets the limit.
    private static async Task<bool> BufferBodyWithoutLengthAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is not null || request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: true })
        {
            return true;
        }

        var body = new MemoryStream();
        request.HttpContext.Response.RegisterForDispose(body);
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (body.Length + read > maxBytes)
            {
                return false;
            }

            body.Write(chunk, 0, read);
        }

        body.Position = 0;
        request.Body = body;
        request.ContentLength = body.Length;
        return true;
    }
}
