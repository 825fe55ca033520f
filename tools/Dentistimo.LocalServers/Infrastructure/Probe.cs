using System.Diagnostics;
using System.Net.Sockets;

namespace Dentistimo.LocalServers.Infrastructure;

/// <summary>Cheap questions to local ports, and polling until one gets the wanted answer.</summary>
internal static class Probe
{
    // Probes bound each request more tightly with their own token; this limit is for management API calls.
    public static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<bool> IsPortOpenAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>Sends <paramref name="request"/> (and disposes it); true for a 2xx answer within 3 seconds.</summary>
    public static async Task<bool> IsHttpOkAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var _ = request;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            using var response = await Http.SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds (true) or <paramref name="timeout"/> passes (false).
    /// <paramref name="giveUp"/> is asked between polls and may throw to fail early, e.g. when the process being waited on died.
    /// </summary>
    public static async Task<bool> UntilAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, CancellationToken ct, Action? giveUp = null)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (await condition(ct))
            {
                return true;
            }

            if (waited.Elapsed > timeout)
            {
                return false;
            }

            giveUp?.Invoke();
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
    }
}
