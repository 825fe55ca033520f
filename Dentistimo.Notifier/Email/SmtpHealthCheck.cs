using MailKit.Net.Smtp;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dentistimo.Notifier.Email;

/// <summary>
/// Connects and sends NOOP without logging in: a probe every few seconds could lock the account while a password is wrong.
/// </summary>
internal sealed class SmtpHealthCheck(SmtpSettings settings, TimeProvider timeProvider) : IHealthCheck
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = new CancellationTokenSource(s_timeout, timeProvider);
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var client = await SmtpConnectionPool.ConnectAsync(settings, s_timeout, logIn: false, probe.Token);
            await client.NoOpAsync(probe.Token);
            await client.DisconnectAsync(quit: true, probe.Token);
            return HealthCheckResult.Healthy();
        }
        catch (SmtpCommandException exception)
        {
            return HealthCheckResult.Unhealthy($"SMTP server (mail) at {settings} answered {exception.StatusCode} ({(int)exception.StatusCode}).");
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"SMTP server (mail) at {settings} did not answer within {s_timeout.TotalSeconds:0} s.");
        }
        catch (Exception exception) when (SmtpEmailSender.Classify(exception) is not null)
        {
            return HealthCheckResult.Unhealthy($"SMTP server (mail) at {settings} cannot be used: {SmtpEmailSender.Describe(exception)}");
        }
    }
}
