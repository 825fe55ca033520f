using Dentistimo.IntegrationTests.Infrastructure;

namespace Dentistimo.IntegrationTests.Web;

/// <summary>BookingApi and the web app on real ports over one test class's own resources, started once for the class.</summary>
public sealed class WebSystemFixture : IAsyncLifetime
{
    public IsolatedResources Resources { get; } = new();
    public BookingApiFactory BookingApi { get; private set; } = null!;
    public WebFactory Web { get; private set; } = null!;
    public Uri BookingApiAddress { get; private set; } = null!;
    public BookingApiDriver Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Resources.InitializeAsync();
        BookingApi = new BookingApiFactory(Resources);
        BookingApiAddress = await BookingApi.StartedOnKestrelAsync();
        Api = new BookingApiDriver(new HttpClient { BaseAddress = BookingApiAddress });
        Web = new WebFactory(BookingApiAddress, Resources.Messaging);
    }

    public async Task DisposeAsync()
    {
        await Web.DisposeAsync();
        await BookingApi.DisposeAsync();
        await Resources.DisposeAsync();
    }
}
