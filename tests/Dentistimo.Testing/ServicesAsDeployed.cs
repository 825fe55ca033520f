using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Dentistimo.Testing;

/// <summary>
/// The AppHost's services as a deployment runs them, for the fault-injection tests and the benchmarks, which stop them
/// or measure them: reached straight on their launch profile's port moved by the model's port offset, as an ingress
/// reaches them, not through DCP's development proxy; and with no telemetry exporter where no dashboard listens, which
/// would hold each shutdown for its 10 s export timeout.
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
