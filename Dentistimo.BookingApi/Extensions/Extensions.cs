using Dentistimo.BookingApi.Infrastructure;
using Dentistimo.Shared;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi();

        builder.AddBookingDatabase();
        builder.AddAvailabilityCache();
        builder.AddMessaging();
    }

    private static void AddBookingDatabase(this IHostApplicationBuilder builder)
    {
        var dataSource = new NpgsqlDataSourceBuilder(builder.Configuration.GetRequiredConnectionString("bookingdb")).Build();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddDbContextPool<BookingDbContext>(options => options.UseNpgsql(dataSource));
        builder.Services.AddMigration<BookingDbContext, ClinicRegistry>("bookingdb");
    }

    private static void AddAvailabilityCache(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(new RedisConnection(builder.Configuration.GetRequiredConnectionString("cache")));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("cache", tags: [ServiceDefaultsExtensions.ReadinessTag]);
    }

    private static void AddMessaging(this IHostApplicationBuilder builder)
    {
        var messaging = new Uri(builder.Configuration.GetRequiredConnectionString("messaging"));
        builder.Services.AddMassTransit(bus =>
        {
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(messaging);
                rabbit.ConfigureEndpoints(context);
            });
        });
    }
}
