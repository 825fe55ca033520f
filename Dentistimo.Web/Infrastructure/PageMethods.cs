using Dentistimo.Web.Pages;
using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace Dentistimo.Web.Infrastructure;

// Razor Pages would otherwise run a page with no handler for the method and render it with nothing loaded (a 500).
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
