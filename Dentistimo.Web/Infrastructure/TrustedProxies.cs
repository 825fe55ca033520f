using Dentistimo.ServiceDefaults;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Dentistimo.Web.Infrastructure;

// Anyone else's X-Forwarded-For is ignored, so a client cannot pick the address the per-client booking limit counts
// (docs/threat-model.md).
public static class TrustedProxies
{
    public const string SectionName = "ForwardedHeaders";

    public static void AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SectionName);
        builder.Services.Configure<ForwardedHeadersOptions>(options => Configure(options, section));
    }

    public static void Configure(ForwardedHeadersOptions options, IConfiguration section)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        // The rightmost entry is the one the trusted proxy wrote; those to its left are the client's to invent.
        options.ForwardLimit = 1;
        // Exactly these: ASPNETCORE_FORWARDEDHEADERS_ENABLED empties both lists, which would trust any sender.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Add(IPAddress.IPv6Loopback);
        options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse("127.0.0.0/8"));
        foreach (var proxy in section.GetSection("KnownProxies").Get<string[]>() ?? [])
        {
            options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                ? address
                : throw new ConfigurationException($"'{SectionName}:KnownProxies' holds '{proxy}', which is not an IP address."));
        }

        foreach (var network in section.GetSection("KnownNetworks").Get<string[]>() ?? [])
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                ? parsed
                : throw new ConfigurationException($"'{SectionName}:KnownNetworks' holds '{network}', which is not a CIDR network such as 10.0.0.0/23."));
        }
    }
}
