using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The standard resilience pipeline for calls between our services, built on Polly.Core because
/// Microsoft.Extensions.Http.Resilience is not in our package source: a total timeout, retries with
/// jittered exponential backoff on transient failures, a circuit breaker, and a timeout per attempt.
/// </summary>
public static class ServiceResilience
{
    public static IHttpClientBuilder AddServiceResilience(this IHttpClientBuilder http)
    {
        var pipeline = CreatePipeline();
        return http.AddHttpMessageHandler(() => new ResilienceHandler(pipeline));
    }

    internal static ResiliencePipeline<HttpResponseMessage> CreatePipeline()
    {
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(IsTransient);

        return new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddTimeout(TimeSpan.FromSeconds(30))
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                MaxRetryAttempts = 3,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                FailureRatio = 0.5,
                MinimumThroughput = 20,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(5),
            })
            .AddTimeout(TimeSpan.FromSeconds(10))
            .Build();
    }

    // Not 429: that is the server asking for less traffic, and an immediate retry would add to the overload.
    private static bool IsTransient(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500;

    private sealed class ResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            pipeline.ExecuteAsync(
                static async (state, token) => await state.Handler.SendCoreAsync(state.Request, token),
                (Handler: this, Request: request),
                cancellationToken).AsTask();

        private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            base.SendAsync(request, cancellationToken);
    }
}
