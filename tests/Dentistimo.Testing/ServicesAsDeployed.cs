using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Dentistimo.Testing;

/// <summary>
/// The AppHost's services reached as a deployment's ingress reaches them, for the fault-injection tests and the
/// benchmarks, which stop them or measure them: straight on their launch profile's port moved by the model's port
/// offset, not through DCP's development proxy. Unlike a deployment, they export no telemetry: the testing builder runs
/// no dashboard, and an exporter with nowhere to send would hold each shutdown for its 10 s export timeout.
/// </summary>
public static class ServicesAsDeployed
{
    public static IResourceBuilder<ProjectResource> AsDeployed(this IResourceBuilder<ProjectResource> service, int portOffset) => service
        .WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"))
        .WithEndpoint("http", endpoint =>
        {
            endpoint.IsProxied = false;
            endpoint.Port = endpoint.TargetPort = portOffset
                + (endpoint.Port ?? throw new InvalidOperationException($"{service.Resource.Name} has no port in its launch profile."));
        });
}
