using MassTransit;
using MassTransit.RabbitMqTransport;
using MassTransit.RabbitMqTransport.Configuration;
using MassTransit.Transports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Dentistimo.ServiceDefaults;

/// <summary>
/// MassTransit 8.4 sometimes keeps reusing a connection RabbitMQ closed and never recovers (docs/operations.md); a use
/// that fails on the closed connection makes it discard the connection and connect afresh.
/// </summary>
public sealed class RabbitMqConnectionRecovery(
    IBusInstance busInstance, IConnectionFactory brokerConnections, TimeProvider timeProvider, ILogger<RabbitMqConnectionRecovery> logger)
    : BackgroundService
{
    private static readonly TimeSpan s_checkInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_checkTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (busInstance.HostConfiguration is not IRabbitMqHostConfiguration rabbitMq)
        {
            return;
        }

        using var timer = new PeriodicTimer(s_checkInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // A healthy bus has an open connection; with the broker down there is nothing to reconnect to yet.
            if (busInstance.BusControl.CheckHealth().Status == BusHealthStatus.Healthy || !await BrokerAnswersAsync(stoppingToken))
            {
                continue;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(s_checkTimeout);
            try
            {
                await rabbitMq.ConnectionContextSupervisor.Send(new FailIfClosed(), timeout.Token);
            }
            catch (ClosedConnectionException)
            {
                logger.LogWarning("MassTransit kept reusing a RabbitMQ connection the broker had closed; it was discarded, and the bus connects afresh");
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // No connection could be made: MassTransit's own retries go on regardless.
                logger.LogDebug("Checking the RabbitMQ connection failed: {Error}", exception.GetBaseException().Message);
            }
        }
    }

    private async Task<bool> BrokerAnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await brokerConnections.CreateConnectionAsync("connection recovery probe", cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is BrokerUnreachableException or OperationInterruptedException or IOException)
        {
            return false;
        }
    }

    private sealed class FailIfClosed : IPipe<ConnectionContext>
    {
        public Task Send(ConnectionContext context) =>
            context.Connection.IsOpen ? Task.CompletedTask : throw new ClosedConnectionException();

        public void Probe(ProbeContext context)
        {
        }
    }

    private sealed class ClosedConnectionException() : Exception("The cached RabbitMQ connection is closed.");
}
