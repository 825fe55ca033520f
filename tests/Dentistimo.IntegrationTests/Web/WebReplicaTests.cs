using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Dentistimo.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dentistimo.IntegrationTests.Web;

/// <summary>Two web replicas behind one address, without sticky sessions: a form rendered by one must be accepted by the other.</summary>
public sealed class WebReplicaTests : IClassFixture<IsolatedResources>
{
    private readonly IsolatedResources _resources;

    public WebReplicaTests(IsolatedResources resources) => _resources = resources;

    [Fact]
    public async Task A_booking_form_rendered_by_one_replica_is_accepted_by_another()
    {
        await using var api = new BookingApiFactory(_resources);
        var apiAddress = await api.StartedOnKestrelAsync();
        var (date, start) = await new BookingApiDriver(new HttpClient { BaseAddress = apiAddress }).FindBookableSlotAsync(clinicId: 4);
        await using var replicaA = new WebFactory(apiAddress, _resources.Messaging);
        await using var replicaB = new WebFactory(apiAddress, _resources.Messaging);
        var noCookies = new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false };
        var address = $"/book?clinic=4&date={date:yyyy-MM-dd}";

        using var formResponse = await replicaA.CreateClient(noCookies).GetAsync(address);
        var form = new HtmlParser().ParseDocument(await formResponse.Content.ReadAsStringAsync());
        var fields = form.QuerySelectorAll("#booking-form input[type=hidden]").Cast<IHtmlInputElement>().ToDictionary(input => input.Name!, input => input.Value);
        fields["Form.RequestId"] = Guid.NewGuid().ToString();
        fields["Form.Start"] = start.ToString("O");
        fields["Form.Name"] = "Karin Boye";
        fields["Form.Email"] = BookingApiDriver.NewPatientEmail();
        fields["Form.Consent"] = "true";
        using var post = new HttpRequestMessage(HttpMethod.Post, address) { Content = new FormUrlEncodedContent(fields) };

        using var answer = await replicaB.CreateClient(noCookies).SendAsync(post);

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.StartsWith("/bookings/", answer.Headers.Location!.OriginalString);
    }
}
