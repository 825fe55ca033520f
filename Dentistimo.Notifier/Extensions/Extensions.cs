using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.Infrastructure;
using Dentistimo.Notifier.IntegrationEvents;
using Dentistimo.Notifier.IntegrationEvents.EventHandling;
using Dentistimo.Migrations;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddDbContextPool<NotifierDbContext>(options =>
            options.UseNpgsql(builder.Configuration.GetRequiredConnectionString("notifierdb")));
        builder.Services.AddMigration<NotifierDbContext>("notifierdb");
        builder.Services.AddScoped<SentEmailLedger>();

        builder.Services.AddSingleton(SmtpSettings.Parse(builder.Configuration.GetRequiredConnectionString("mail")));
        builder.Services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.SectionName);
        builder.Services.AddSingleton<SmtpConnectionPool>();
        builder.Services.AddSingleton<IEmailSender, SmtpEmailSender>();
        builder.Services.AddSingleton(EmailTemplates.Embedded);
        builder.Services.AddSingleton<BookingEmailRenderer>();
        builder.Services.AddScoped<BookingOutcomeEmails>();
        builder.Services.AddHealthChecks().AddCheck<SmtpHealthCheck>("mail", tags: [ServiceDefaultsExtensions.ReadinessTag]);

        builder.Services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName);
        var messaging = new Uri(builder.Configuration.GetRequiredConnectionString("messaging"));
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddBookingOutcomeConsumers();
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(messaging);
                rabbit.ReceiveBookingOutcomes(context);
            });
        });
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ErrorQueueRedrive>(sp, messaging));
    }
}
