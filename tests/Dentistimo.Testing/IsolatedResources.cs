namespace Dentistimo.Testing;

/// <summary>
/// Databases, a RabbitMQ virtual host and a Redis key prefix of a test class's own, on the AppHost's servers (<see cref="SharedServers"/>),
/// so test classes running side by side never see each other's data or messages.
/// </summary>
public sealed class IsolatedResources : IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];

    public AppHostServers Servers { get; private set; } = null!;
    public string BookingDb { get; private set; } = "";
    public string NotifierDb { get; private set; } = "";
    public string Messaging { get; private set; } = "";
    public string Cache => Servers.Redis.ConnectionString;
    public string Mail => Servers.MailDev.ConnectionString;
    public string CacheKeyPrefix => $"test-{_suffix}:";

    private string BookingDbName => $"bookingdb_{_suffix}";
    private string NotifierDbName => $"notifierdb_{_suffix}";

    /// <summary>The RabbitMQ virtual host <see cref="Messaging"/> points at, for the management API.</summary>
    public string VirtualHost => $"test-{_suffix}";

    public async Task InitializeAsync()
    {
        Servers = await SharedServers.GetAsync();
        // The services create their databases when they migrate; only the names need to be fresh.
        BookingDb = Servers.Postgres.ConnectionString(BookingDbName);
        NotifierDb = Servers.Postgres.ConnectionString(NotifierDbName);
        Messaging = await Servers.RabbitMq.CreateVirtualHostAsync(VirtualHost);
    }

    public async Task DisposeAsync()
    {
        if (!await Servers.Postgres.IsAnsweringAsync() || !await Servers.RabbitMq.IsAnsweringAsync())
        {
            return;
        }

        await Servers.Postgres.DropDatabaseAsync(BookingDbName);
        await Servers.Postgres.DropDatabaseAsync(NotifierDbName);
        await Servers.RabbitMq.DeleteVirtualHostAsync(VirtualHost);
    }
}
