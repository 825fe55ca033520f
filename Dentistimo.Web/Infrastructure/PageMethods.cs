using Dentistimo.Web.Pages;
using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace Dentistimo.Web.Infrastructure;

/// <summary>
/// Each page answers only the methods it has handlers for (HEAD with GET), so routing answers any other with 405 and
/// <c>Allow</c>: Razor Pages would otherwise run a page with no handler, and render it with nothing loaded (a 500).
/// The error page takes every method, as it is shown in place of any failed request.
/// </summary>
public sealed class PageMethodsConvention : IPageApplicationModelConvention
{
    public void Apply(PageApplicationModel model)
    {
        if (model.HandlerType.AsType() == typeof(ErrorModel))
        {
            return;
        }

        var methods = model.HandlerMethods.Select(handler => handler.HttpMethod.ToUpperInvariant()).ToHashSet();
        if (methods.Contains(HttpMethods.Get))
        {
            methods.Add(HttpMethods.Head);
        }

        model.EndpointMetadata.Add(new HttpMethodMetadata(methods.Order()));
    }
}
