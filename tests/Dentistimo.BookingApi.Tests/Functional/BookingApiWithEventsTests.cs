using Dentistimo.Testing;

namespace Dentistimo.BookingApi.Tests.Functional;

/// <summary>
/// Tests of BookingApi in-process on the test class's own resources, with an <see cref="EventRecorder"/> on its virtual
/// host; both are started fresh for each test, the recorder first so that it hears every event the service publishes.
/// </summary>
public abstract class BookingApiWithEventsTests(IsolatedResources resources) : IClassFixture<IsolatedResources>, IAsyncLifetime
{
    protected IsolatedResources Resources => resources;
    protected BookingApiFactory Api { get; private set; } = null!;
    protected EventRecorder Events { get; private set; } = null!;
    protected BookingApiDriver Driver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Events = await EventRecorder.StartAsync(resources.Messaging);
        Api = await new BookingApiFactory(resources).StartedAsync();
        Driver = new BookingApiDriver(Api.CreateClient());
    }

    public async Task DisposeAsync()
    {
        await Events.DisposeAsync();
        await Api.DisposeAsync();
    }
}
