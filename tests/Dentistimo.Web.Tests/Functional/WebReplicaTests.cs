using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Dentistimo.Testing;
using Dentistimo.Web.Services;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Internal;

namespace Dentistimo.Web.Tests.Functional;

/// <summary>
/// Web replicas behind one address, without sticky sessions: a form rendered by one must be accepted by the other, and
/// every replica hears of every booking.
/// </summary>
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

    [Fact]
    public async Task A_replica_lets_go_of_the_day_it_keeps_as_soon_as_a_booking_changes_it()
    {
        await using var api = new BookingApiFactory(_resources);
        var apiAddress = await api.StartedOnKestrelAsync();
        var driver = new BookingApiDriver(new HttpClient { BaseAddress = apiAddress });
        var (date, start) = await driver.FindBookableSlotAsync(clinicId: 2, daysAhead: 5);
        // The replica's clock never moves, so its copy of the day never expires: only the booking's event can end it.
        await using var replica = new WebFactory(apiAddress, _resources.Messaging).WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IMemoryCache>(new MemoryCache(new MemoryCacheOptions { Clock = new StoppedClock(DateTimeOffset.UtcNow) }))));
        using var web = replica.CreateClient();
        // Healthy, not just 200: without RabbitMQ the web is Degraded and still answers 200.
        await Eventually.TrueAsync(
            async () => (string?)(await web.GetFromJsonAsync<JsonObject>("/health"))!["status"] == "Healthy", TimeSpan.FromSeconds(60), "the replica to listen for availability events");
        var bookingApi = replica.Services.GetRequiredService<BookingApiClient>();
        Assert.Equal(0, await BookedAtAsync());

        var (status, _) = await driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), 2, start, BookingApiDriver.NewPatientEmail()));

        Assert.Equal(201, status);
        await Eventually.TrueAsync(async () => await BookedAtAsync() == 1, TimeSpan.FromSeconds(60), "the replica to show the booked seat");

        async Task<int> BookedAtAsync() =>
            (await bookingApi.GetDayAsync(2, date, CancellationToken.None))!.Slots.Single(slot => slot.Start == start).Booked;
    }

    private sealed class StoppedClock(DateTimeOffset now) : ISystemClock
    {
        public DateTimeOffset UtcNow => now;
    }
}
