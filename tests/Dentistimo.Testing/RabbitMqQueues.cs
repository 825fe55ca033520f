using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Dentistimo.Testing;

/// <summary>Looks into a virtual host's queues through the RabbitMQ management API, the way an operator would in its UI.</summary>
public sealed class RabbitMqQueues(Uri managementUrl, string username, string password, string virtualHost)
{
    private static readonly HttpClient s_http = new();

    /// <summary>The queues of a test's own virtual host on the shared RabbitMQ.</summary>
    public RabbitMqQueues(IsolatedResources resources)
        : this(resources.Servers.RabbitMq.ManagementUrl, resources.Servers.RabbitMq.Username, resources.Servers.RabbitMq.Password, resources.VirtualHost)
    {
    }

    /// <summary>
    /// Every queue of the virtual host with its messages, ready and unacknowledged. The management API refreshes these
    /// counts every few seconds (collect_statistics_interval, 5 s by default), so they may lag behind the queue.
    /// </summary>
    public async Task<IReadOnlyList<QueueDepth>> ListAsync()
    {
        using var request = Request(HttpMethod.Get, $"api/queues/{Uri.EscapeDataString(virtualHost)}");
        using var response = await s_http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var queues = await response.Content.ReadFromJsonAsync<JsonArray>() ?? [];
        // A queue the statistics have not caught up with yet has no counts at all.
        return queues.Select(queue => new QueueDepth((string)queue!["name"]!, (long?)queue["messages"] ?? 0)).ToList();
    }

    /// <summary>Up to <paramref name="count"/> messages at the head of the queue, put back where they were.</summary>
    public async Task<IReadOnlyList<QueuedMessage>> PeekAsync(string queue, int count = 10)
    {
        using var request = Request(HttpMethod.Post, $"api/queues/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(queue)}/get");
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
                ?? new Dictionary<string, string>(),
            (string?)message["properties"]?["content_type"])).ToList();
    }

    /// <summary>Throws away every message waiting in <paramref name="queue"/>; the queue and its bindings stay.</summary>
    public async Task PurgeAsync(string queue)
    {
        using var request = Request(HttpMethod.Delete, $"api/queues/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(queue)}/contents");
        using var response = await s_http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Puts a message straight into <paramref name="queue"/> (through the default exchange).</summary>
    public async Task PublishAsync(string queue, QueuedMessage message)
    {
        using var request = Request(HttpMethod.Post, $"api/exchanges/{Uri.EscapeDataString(virtualHost)}/amq.default/publish");
        request.Content = JsonContent.Create(new
        {
            routing_key = queue,
            payload = message.Payload,
            payload_encoding = "string",
            properties = new { content_type = message.ContentType, headers = message.Headers },
        });
        using var response = await s_http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        Assert.True((bool)(await response.Content.ReadFromJsonAsync<JsonObject>())!["routed"]!, $"queue {queue} took the message");
    }

    /// <summary>The arguments the queue was declared with.</summary>
    public async Task<JsonObject> ArgumentsAsync(string queue)
    {
        using var request = Request(HttpMethod.Get, $"api/queues/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(queue)}");
        using var response = await s_http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["arguments"]!.AsObject();
    }

    public async Task<IReadOnlyList<QueuedMessage>> WaitForAsync(string queue, int count, TimeSpan timeout)
    {
        IReadOnlyList<QueuedMessage> messages = [];
        await Eventually.TrueAsync(async () => (messages = await PeekAsync(queue, count)).Count >= count, timeout, $"{count} message(s) in queue {queue}");
        return messages;
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(managementUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
        return request;
    }
}

public sealed record QueuedMessage(string Payload, IReadOnlyDictionary<string, string> Headers, string? ContentType = null);

/// <param name="Messages">Ready and unacknowledged together.</param>
public sealed record QueueDepth(string Name, long Messages);
