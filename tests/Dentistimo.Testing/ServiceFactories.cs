using Dentistimo.BookingApi.Infrastructure;
using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.Infrastructure;
using Dentistimo.Migrations;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Dentistimo.Testing;

/// <summary>BookingApi in-process, configured exactly as the AppHost and the launcher configure it, on this test's resources.</summary>
public sealed class BookingApiFactory(IsolatedResources resources, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? clock = null)
    : WebApplicationFactory<BookingStore>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }

        builder.UseSetting("ConnectionStrings:bookingdb", resources.BookingDb);
        builder.UseSetting("ConnectionStrings:cache", resources.Cache);
        builder.UseSetting("ConnectionStrings:messaging", resources.Messaging);
        builder.UseSetting("Booking:CacheKeyPrefix", resources.CacheKeyPrefix);
        if (_onKestrel)
        {
            builder.UseUrls(AnyFreeLoopbackPort);
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Starts the service in memory and waits until its schema is migrated and the clinics are seeded.</summary>
    // The port goes in as a URL, not UseKestrel(0): that one sets it on the server after Build(), when the app's own
    // thread may already have started it ("Addresses cannot be modified after the server has started").
    public const string AnyFreeLoopbackPort = "http://127.0.0.1:0";
    private bool _onKestrel;

    public async Task<BookingApiFactory> StartedAsync()
    {
        _ = Server;
        await WaitUntilMigratedAsync();
        return this;
    }

    /// <summary>Starts the service on a real port, for callers that need an address, such as the web app.</summary>
    public async Task<Uri> StartedOnKestrelAsync()
    {
        _onKestrel = true;
        UseKestrel();
        StartServer();
        await WaitUntilMigratedAsync();
        return Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(address => new Uri(address)).First();
    }

    private async Task WaitUntilMigratedAsync() =>
        await Services.GetRequiredService<DatabaseMigrator<BookingDbContext>>().Migrated.WaitAsync(TimeSpan.FromSeconds(60));
}

public sealed class NotifierFactory(IsolatedResources resources, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<SmtpEmailSender>
{
    public const string AdminKey = "integration-tests-admin-key";

    /// <summary>A client that sends the operator key, as the AppHost's dashboard command does.</summary>
    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Admin:ApiKey", AdminKey);
        builder.UseSetting("ConnectionStrings:notifierdb", resources.NotifierDb);
        builder.UseSetting("ConnectionStrings:messaging", resources.Messaging);
        builder.UseSetting("ConnectionStrings:mail", resources.Mail);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Starts the service and waits until its schema is migrated and its queue is bound, so no event published next is missed.</summary>
    public async Task<NotifierFactory> StartedAsync()
    {
        _ = Server;
        await Services.GetRequiredService<DatabaseMigrator<NotifierDbContext>>().Migrated.WaitAsync(TimeSpan.FromSeconds(60));
        await Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(60));
        return this;
    }
}

/// <summary>
/// The web app, talking over real HTTP to a BookingApi address (see <see cref="BookingApiFactory.StartedOnKestrelAsync"/>)
/// and hearing availability events on <paramref name="messaging"/> (the test's RabbitMQ virtual host).
/// </summary>
public sealed class WebFactory(Uri bookingApi, string messaging, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Dentistimo.Web.Services.BookingApiClient>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("services:bookingapi:http:0", bookingApi.ToString());
        builder.UseSetting("ConnectionStrings:messaging", messaging);
        if (_onKestrel)
        {
            builder.UseUrls(BookingApiFactory.AnyFreeLoopbackPort);
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Starts the web app on a real port, for a browser.</summary>
    private bool _onKestrel;

    public Uri StartedOnKestrel()
    {
        _onKestrel = true;
        UseKestrel();
        StartServer();
        return Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(address => new Uri(address)).First();
    }
}
