using System.Net;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace Dentistimo.Web.Tests.Functional;

/// <summary>The web app's pages as a browser without scripts reads them and sends their forms.</summary>
internal static class HtmlPages
{
    public static async Task<IDocument> GetPageAsync(HttpClient client, string address)
    {
        using var response = await client.GetAsync(address);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ParseAsync(response);
    }

    /// <summary>Parsed with the address the client ended up at, so <see cref="IDocument.Url"/> and form actions work as in a browser.</summary>
    public static async Task<IDocument> ParseAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        return await BrowsingContext.New(Configuration.Default).OpenAsync(request => request.Content(html).Address(response.RequestMessage!.RequestUri!));
    }

    /// <summary>Sends the form <paramref name="formSelector"/> of <paramref name="page"/> to its action: its hidden fields plus <paramref name="fields"/>.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, IDocument page, string formSelector, Dictionary<string, string>? fields = null)
    {
        var form = (IHtmlFormElement)page.QuerySelector(formSelector)!;
        var values = form.QuerySelectorAll("input[type=hidden]").Cast<IHtmlInputElement>().ToDictionary(input => input.Name!, input => input.Value);
        foreach (var (name, value) in fields ?? [])
        {
            values[name] = value;
        }

        return await client.PostAsync(form.Action, new FormUrlEncodedContent(values));
    }
}
