using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Dentistimo.IntegrationTests.Infrastructure;

/// <summary>Looks into a test's queues through the RabbitMQ management API, the way an operator would in its UI.</summary>
public sealed class RabbitMqQueues(IsolatedResources resources)
{
    private static readonly HttpClient s_http = new();

    /// <summary>Up to <paramref name="count"/> messages at the head of the queue, put back where they were.</summary>
    public async Task<IReadOnlyList<QueuedMessage>> PeekAsync(string queue, int count = 10)
    {
        using var request = Request(HttpMethod.Post, $"api/queues/{Uri.EscapeDataString(resources.VirtualHost)}/{Uri.EscapeDataString(queue)}/get");
        request.Content = JsonContent.Create(new { count, ackmode = "ack_requeue_true", encoding = "auto", truncate = 100_000 });
        using var response = await s_http.SendAsync(request);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return [];
        }

        response.EnsureSuccessStatusCode();
        var messages = await response.Content.ReadFromJsonAsync<JsonArray>() ?? [];
        return messages.Select(message => new QueuedMessage(
            (string)message!["payload"]!,
            message["properties"]?["headers"]?.AsObject().ToDictionary(header => header.Key, header => header.Value?.ToString() ?? "")
                ?? new Dictionary<string, string>())).ToList();
    }

    public async Task<IReadOnlyList<QueuedMessage>> WaitForAsync(string queue, int count, TimeSpan timeout)
    {
        IReadOnlyList<QueuedMessage> messages = [];
        await Eventually.TrueAsync(async () => (messages = await PeekAsync(queue, count)).Count >= count, timeout, $"{count} message(s) in queue {queue}");
        return messages;
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var rabbit = resources.Servers.RabbitMq;
        var request = new HttpRequestMessage(method, new Uri(rabbit.ManagementUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rabbit.Username}:{rabbit.Password}")));
        return request;
    }
}

public sealed record QueuedMessage(string Payload, IReadOnlyDictionary<string, string> Headers);
