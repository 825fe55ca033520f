using Dentistimo.Notifier.Email;
using Dentistimo.Notifier.Infrastructure;
using Dentistimo.Notifier.IntegrationEvents;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dentistimo.Notifier.Tests;

public sealed class GracefulBusHostedServiceTests
{
    [Fact]
    public async Task A_bus_that_faults_while_stopping_still_lets_the_sends_in_progress_finish_and_stops_without_an_exception()
    {
        var sends = new SendsInProgress();
        var service = new GracefulBusHostedService(new BusThatFaultsOnStop(), sends, NullLogger<GracefulBusHostedService>.Instance);
        var send = sends.TryBegin(AnEmail())!.Value;

        var stopping = service.StopAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(stopping.IsCompleted);

        send.Dispose();
        await stopping.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, sends.Count);
    }

    [Fact]
    public async Task When_the_shutdown_timeout_ends_the_stop_returns_with_the_sends_still_in_progress()
    {
        var sends = new SendsInProgress();
        var service = new GracefulBusHostedService(new BusThatFaultsOnStop(), sends, NullLogger<GracefulBusHostedService>.Instance);
        using var send = sends.TryBegin(AnEmail())!.Value;
        using var shutdownTimeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await service.StopAsync(shutdownTimeout.Token).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(1, sends.Count);
    }

    [Fact]
    public async Task With_no_send_in_progress_there_is_nothing_to_wait_for_and_each_finished_send_is_counted_off()
    {
        var sends = new SendsInProgress();
        Assert.True(sends.WhenNoneAsync(CancellationToken.None).IsCompletedSuccessfully);

        var first = sends.TryBegin(AnEmail())!.Value;
        var second = sends.TryBegin(AnEmail())!.Value;
        var none = sends.WhenNoneAsync(CancellationToken.None);
        first.Dispose();
        Assert.False(none.IsCompleted);
        second.Dispose();

        await none.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(sends.WhenNoneAsync(CancellationToken.None).IsCompletedSuccessfully);
    }

    private static EmailIdentity AnEmail() => new(EmailKind.Confirmation, Guid.NewGuid());

    /// <summary>As MassTransit 8.4's stop faults when cancelling races with an acknowledgement.</summary>
    private sealed class BusThatFaultsOnStop : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => throw new NullReferenceException();
    }
}
