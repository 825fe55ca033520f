using Dentistimo.Notifier.Apis;
using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.Infrastructure;
using Dentistimo.Notifier.IntegrationEvents;
using Dentistimo.Notifier.IntegrationEvents.EventHandling;
using Dentistimo.Migrations;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Configuration.GetRequiredConnectionString("notifierdb");
        // No retrying execution strategy: it refuses SentEmailLedger's transactions, and MassTransit retries the message.
        builder.AddNpgsqlDbContext<NotifierDbContext>("notifierdb", settings =>
        {
            settings.DisableHealthChecks = true;
            settings.DisableRetry = true;
        });
        builder.Services.AddMigration<NotifierDbContext>("notifierdb");
        builder.Services.AddSingleton<SendsInProgress>();
        builder.Services.AddScoped<SentEmailLedger>();

        builder.Services.AddSingleton(SmtpSettings.Parse(builder.Configuration.GetRequiredConnectionString("mail")));
        builder.AddValidatedOptions<EmailOptions>(EmailOptions.SectionName);
        // One connection per email sent at once: MassTransit never hands over more messages than that.
        builder.Services.AddSingleton(sp => new SmtpConnectionPool(
            sp.GetRequiredService<SmtpSettings>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.ConcurrentMessageLimit));
        builder.Services.AddSingleton<IEmailSender, SmtpEmailSender>();
        builder.AddRecipientSeal();
        builder.Services.AddSingleton(EmailTemplates.Embedded);
        builder.Services.AddSingleton<BookingEmailRenderer>();
        builder.Services.AddScoped<BookingOutcomeEmails>();
        builder.Services.AddHealthChecks().AddCheck<SmtpHealthCheck>("mail", tags: [ServiceDefaultsExtensions.ReadinessTag]);

        builder.AddValidatedOptions<DeliveryOptions>(DeliveryOptions.SectionName);
        var messaging = builder.AddRabbitMqBesideMassTransit("messaging");
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddBookingOutcomeConsumers();
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(messaging);
                rabbit.ReceiveBookingOutcomes(context);
            });
        });
        builder.Services.AddSingleton<ErrorQueueRedrive>();
        builder.AddValidatedOptions<AdminOptions>(AdminOptions.SectionName);

        // A started send is never cancelled (SentEmailLedger); anything else, such as a wait between retries, is cancelled
        // at once, inside StopAsync, where GracefulBusHostedService catches a fault that would otherwise end the process.
        builder.Services.Configure<MassTransitHostOptions>(options => options.ConsumerStopTimeout = TimeSpan.Zero);
        builder.Services.RemoveMassTransitHostedService();
        builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<GracefulBusHostedService>(
            sp, ActivatorUtilities.CreateInstance<MassTransitHostedService>(sp)));
    }
}
