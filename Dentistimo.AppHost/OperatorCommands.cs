using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

// Operator actions as dashboard commands, so nobody needs the key they are authenticated with.
public static class OperatorCommands
{
    public const string RedriveErrorQueue = "redrive-error-queue";

    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public static IResourceBuilder<ProjectResource> WithErrorQueueRedrive(
        this IResourceBuilder<ProjectResource> notifier, IResourceBuilder<ParameterResource> adminKey)
    {
        var endpoint = notifier.GetEndpoint("http");
        return notifier
            .WithEnvironment("Admin__ApiKey", adminKey)
            .WithCommand(RedriveErrorQueue, "Re-drive error queue", async context =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(endpoint.Url), "/admin/error-queue/redrive"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await adminKey.Resource.GetValueAsync(context.CancellationToken));
                using var response = await s_http.SendAsync(request, context.CancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    return CommandResults.Failure($"The notifier answered {(int)response.StatusCode}.");
                }

                var moved = (await response.Content.ReadFromJsonAsync<JsonObject>(context.CancellationToken))?["moved"];
                return CommandResults.Success($"{moved} message(s) sent back to be tried again.");
            },
            new CommandOptions
            {
                Description = "Sends the messages parked in notifier-booking-outcomes' error queue back to the queue.",
                IconName = "ArrowRedo",
                UpdateState = EnabledWhenHealthy,
            });
    }

    public static ResourceCommandState EnabledWhenHealthy(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.HealthStatus is HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;
}
