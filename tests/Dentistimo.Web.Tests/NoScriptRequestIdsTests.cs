using Dentistimo.Contracts.Api;
using Dentistimo.Web.Services;
using Microsoft.Extensions.Options;

namespace Dentistimo.Web.Tests;

public class NoScriptRequestIdsTests
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static NoScriptRequestIds WithKey(string? key) => new(Options.Create(new NoScriptRequestIdOptions { Key = key }));

    private static Guid IdOf(NoScriptRequestIds ids, string name = "Ada Lovelace", string email = "ada@example.com") =>
        ids.For(1, s_start, name, email, null, "sv");

    [Fact]
    public void The_same_form_sent_twice_to_replicas_sharing_a_key_is_the_same_request()
    {
        Assert.Equal(IdOf(WithKey("a-shared-secret-of-the-replicas")), IdOf(WithKey("a-shared-secret-of-the-replicas")));
        Assert.Equal(IdOf(WithKey("a-shared-secret-of-the-replicas"), email: "ADA@example.com"), IdOf(WithKey("a-shared-secret-of-the-replicas")));
    }

    [Fact]
    public void Another_patient_or_another_key_gives_another_request()
    {
        var ids = WithKey("a-shared-secret-of-the-replicas");

        Assert.NotEqual(IdOf(ids), IdOf(ids, name: "Grace Hopper"));
        Assert.NotEqual(IdOf(ids), IdOf(WithKey("another-deployment-secret")));
        Assert.NotEqual(IdOf(WithKey(null)), IdOf(WithKey(null))); // each process without a key makes its own
    }

    [Fact]
    public void The_id_cannot_be_computed_from_the_patients_details_alone()
    {
        var unkeyed = BookingRequestIdentity.Hash(1, s_start, "Ada Lovelace", "ada@example.com", null, "sv");

        var id = IdOf(WithKey("a-shared-secret-of-the-replicas")).ToByteArray(bigEndian: true);

        Assert.NotEqual(unkeyed.AsSpan(0, 16).ToArray().Skip(9), id.Skip(9));
        Assert.Equal(8, id[6] >> 4); // a version 8 UUID
        Assert.Equal(0b10, id[8] >> 6); // of RFC 9562's variant
    }
}
