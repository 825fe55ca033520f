using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dentistimo.Notifier.Email;

/// <summary>Connects and reads the SMTP greeting: proves the server answers without sending anything.</summary>
internal sealed class SmtpHealthCheck(SmtpSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var client = new TcpClient();
            await client.ConnectAsync(settings.Host, settings.Port, timeout.Token);
            var buffer = new byte[512];
            var read = await client.GetStream().ReadAsync(buffer, timeout.Token);
            var greeting = Encoding.ASCII.GetString(buffer, 0, read);
            return greeting.StartsWith("220", StringComparison.Ordinal)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"SMTP server (mail) at {settings} greeted with '{greeting.Trim()}'.");
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or IOException)
        {
            return HealthCheckResult.Unhealthy($"SMTP server (mail) at {settings} is unreachable: {exception.Message}");
        }
    }
}
