using Dentistimo.Testing;

namespace Dentistimo.Web.Tests.Functional;

/// <summary>BookingApi and the web app on real ports over one test class's own resources, started once for the class.</summary>
public sealed class WebSystemFixture : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<string, string?> WithoutPerClientLimit = new Dictionary<string, string?>
    {
        ["BookingAttempts:BurstPerClient"] = "1000000",
    };

    public IsolatedResources Resources { get; } = new();
    public BookingApiFactory BookingApi { get; private set; } = null!;
    public WebFactory Web { get; private set; } = null!;
    public Uri BookingApiAddress { get; private set; } = null!;
    public BookingApiDriver Api { get; private set; } = null!;

    /// <summary>The web app on a real port, for a browser: started by the first test that asks, as a factory starts once.</summary>
    public Uri WebOnKestrel => _webOnKestrel ??= Web.StartedOnKestrel();

    private Uri? _webOnKestrel;

    public async Task InitializeAsync()
    {
        await Resources.InitializeAsync();
        BookingApi = new BookingApiFactory(Resources);
        BookingApiAddress = await BookingApi.StartedOnKestrelAsync();
        Api = new BookingApiDriver(new HttpClient { BaseAddress = BookingApiAddress });
        // Every test here is another patient, all on one client address: the per-client limit has a test of its own.
        Web = new WebFactory(BookingApiAddress, Resources.Messaging, WithoutPerClientLimit);
    }

    public async Task DisposeAsync()
    {
        await Web.DisposeAsync();
        await BookingApi.DisposeAsync();
        await Resources.DisposeAsync();
    }
}
