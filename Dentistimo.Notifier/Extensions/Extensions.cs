using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.Infrastructure;
using Dentistimo.Notifier.IntegrationEvents.EventHandling;
using Dentistimo.Migrations;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDbContextPool<NotifierDbContext>(options =>
            options.UseNpgsql(builder.Configuration.GetRequiredConnectionString("notifierdb")));
        builder.Services.AddMigration<NotifierDbContext>("notifierdb");

        builder.Services.AddSingleton(SmtpSettings.Parse(builder.Configuration.GetRequiredConnectionString("mail")));
        builder.Services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.SectionName);
        builder.Services.AddSingleton<IEmailSender, SmtpEmailSender>();
        builder.Services.AddHealthChecks().AddCheck<SmtpHealthCheck>("mail", tags: [ServiceDefaultsExtensions.ReadinessTag]);

        var messaging = new Uri(builder.Configuration.GetRequiredConnectionString("messaging"));
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddConsumer<BookingConfirmedHandler>();
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(messaging);
                rabbit.ConfigureEndpoints(context);
            });
        });
    }
}
