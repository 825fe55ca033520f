using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Dentistimo.BookingApi.Apis;
using Dentistimo.BookingApi.Infrastructure;
using Dentistimo.BookingApi.Model.Scheduling;
using Dentistimo.BookingApi.Services;
using Dentistimo.Migrations;
using MassTransit;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi();
        builder.Services.AddExceptionHandler<MalformedRequestHandler>();
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(options => options.SerializerOptions.AllowTrailingCommas = false);
        builder.Services.AddSingleton(TimeProvider.System);

        builder.AddValidatedOptions<BookingOptions>(BookingOptions.SectionName);
        builder.Services.AddSingleton(sp =>
        {
            var booking = sp.GetRequiredService<IOptions<BookingOptions>>().Value;
            return new BookingPolicy(booking.HorizonDays, booking.MaxUpcomingPerPatient);
        });
        builder.Services.AddSingleton<ClinicCatalog>();
        builder.Services.AddSingleton<AvailabilityService>();
        builder.Services.AddSingleton<BookingService>();
        builder.AddValidatedOptions<ReminderOptions>(ReminderOptions.SectionName);
        builder.Services.AddSingleton(sp => new AppointmentChangePolicy(
            sp.GetRequiredService<IOptions<BookingOptions>>().Value.CancellationCutoffHours,
            sp.GetRequiredService<IOptions<ReminderOptions>>().Value.HoursBefore));
        builder.Services.AddSingleton<AppointmentChangeService>();

        builder.AddBookingDatabase();
        builder.AddAvailabilityCache();
        builder.AddMessaging();
        builder.AddBookingRateLimits();
    }

    private static void AddBookingDatabase(this IHostApplicationBuilder builder)
    {
        builder.Configuration.GetRequiredConnectionString("bookingdb");
        // One pool for EF Core and the raw SQL, bounded by Maximum Pool Size, so overload queues here, not in PostgreSQL.
        // Health is DatabaseHealthCheck's, which also tells a migration in progress.
        builder.AddNpgsqlDataSource("bookingdb", settings => settings.DisableHealthChecks = true, dataSource =>
        {
            // The decision statement is long: preparing it once per connection saves PostgreSQL parsing and planning it per request.
            if (dataSource.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                dataSource.ConnectionStringBuilder.MaxAutoPrepare = 16;
            }

            // Nothing here changes a session's state, so a pooled connection needs no reset (RESET ALL and more per reuse).
            dataSource.ConnectionStringBuilder.NoResetOnClose = true;
        });
        // No retrying execution strategy: an unreachable database answers 503 at once (DatabaseUnavailableHandler).
        builder.Services.AddDbContextPool<BookingDbContext>((services, options) => options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddMigration<BookingDbContext, ClinicRegistry>("bookingdb");
        builder.Services.AddSingleton<BookingStore>();
        builder.Services.AddSingleton<DecisionBatcher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DecisionBatcher>());
        builder.Services.AddSingleton<PatientDataRetention>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PatientDataRetention>());
        builder.Services.AddSingleton<AppointmentStore>();
        builder.Services.AddSingleton<AppointmentReminders>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AppointmentReminders>());
    }

    private static void AddAvailabilityCache(this IHostApplicationBuilder builder)
    {
        builder.Configuration.GetRequiredConnectionString("cache");
        // Health is RedisHealthCheck's: a Redis that does not answer degrades BookingApi rather than making it unhealthy.
        // Connected as the host starts, before requests come: a first connect under load would wait for the very
        // thread-pool threads the waiting requests hold.
        builder.AddRedisClient("cache", settings =>
        {
            settings.DisableHealthChecks = true;
            settings.DisableAutoActivation = false;
        }, RedisTimeouts.Configure);
        builder.Services.AddSingleton<AvailabilityCache>();

        // A day's rendered answer lives as long as its seats do in this replica's memory.
        builder.Services.AddOutputCache();
        builder.Services.AddOptions<OutputCacheOptions>().Configure<IOptions<BookingOptions>>((cache, booking) =>
            cache.AddPolicy(ClinicsApi.DayAvailabilityCachePolicy, policy => policy
                .Expire(TimeSpan.FromMilliseconds(booking.Value.LocalAvailabilityCacheMilliseconds))
                .SetVaryByQuery("date")
                .AddPolicy<DayAvailabilityVersionPolicy>()));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("cache", tags: [ServiceDefaultsExtensions.ReadinessTag]);
    }

    private static void AddMessaging(this IHostApplicationBuilder builder)
    {
        var messaging = builder.AddRabbitMqBesideMassTransit("messaging");
        builder.Services.AddMassTransit(bus =>
        {
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(messaging);
                rabbit.ConfigureEndpoints(context);
            });
        });
        builder.AddRecipientSeal();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddHostedService<OutboxDispatcher>();
    }

    // R4.3: a global concurrency limit protects PostgreSQL's pool, and a token bucket per client address stops one caller
    // from taking everything.
    private static void AddBookingRateLimits(this IHostApplicationBuilder builder)
    {
        var limits = builder.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.SectionName);
        builder.Services.AddRateLimiter(rateLimiter =>
        {
            rateLimiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            rateLimiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
                await TypedResults.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many requests",
                    detail: "Too many booking requests right now. Please try again in a moment.").ExecuteAsync(context.HttpContext);
            };
            rateLimiter.AddPolicy(BookingsApi.RateLimitPolicy, context =>
                RateLimitPartition.GetTokenBucketLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limits.BookingBurstPerClient,
                        TokensPerPeriod = limits.BookingsPerSecondPerClient,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                    }));
            rateLimiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments("/api/bookings") && HttpMethods.IsPost(context.Request.Method)
                    ? RateLimitPartition.GetConcurrencyLimiter("bookings", _ => new ConcurrencyLimiterOptions
                    {
                        PermitLimit = limits.ConcurrentBookings,
                        QueueLimit = limits.QueuedBookings,
                        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    })
                    : RateLimitPartition.GetNoLimiter("other"));
        });
    }
}
