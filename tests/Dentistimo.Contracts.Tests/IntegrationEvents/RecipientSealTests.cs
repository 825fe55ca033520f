using Dentistimo.Contracts.IntegrationEvents;
using Dentistimo.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dentistimo.Contracts.Tests.IntegrationEvents;

public sealed class RecipientSealTests
{
    private const string Key = "a-deployment-secret-of-32-characters-or-more";
    private const string PreviousKey = "the-secret-before-the-last-rotation-0123456";
    private static readonly Guid s_requestId = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7");
    private static readonly BookingRecipient s_recipient = new("Åsa Öberg-Ångström \"{{name}}\"", "åsa.oberg+tand@example.com", "sv");

    [Fact]
    public void What_is_sealed_opens_as_it_was_and_holds_neither_the_name_nor_the_email_readable()
    {
        var seal = new RecipientSeal(Key);

        var sealedRecipient = seal.Seal(s_recipient, s_requestId);

        Assert.Equal(s_recipient, seal.Open(sealedRecipient, s_requestId));
        Assert.Equal("sv", sealedRecipient.Language);
        Assert.Equal(seal.KeyId, sealedRecipient.KeyId);
        var contact = Convert.FromBase64String(sealedRecipient.Contact);
        Assert.DoesNotContain("Öberg", System.Text.Encoding.UTF8.GetString(contact));
        Assert.DoesNotContain("example.com", System.Text.Encoding.UTF8.GetString(contact));
        Assert.DoesNotContain("example.com", sealedRecipient.ToString());
    }

    [Fact]
    public void Each_seal_has_a_fresh_nonce_so_the_same_recipient_never_looks_the_same_twice()
    {
        var seal = new RecipientSeal(Key);

        var contacts = Enumerable.Range(0, 100).Select(_ => seal.Seal(s_recipient, s_requestId).Contact).ToList();

        Assert.Equal(100, contacts.Distinct().Count());
        Assert.Equal(100, contacts.Select(contact => Convert.FromBase64String(contact)[..12]).Select(Convert.ToHexString).Distinct().Count());
    }

    [Fact]
    public void Any_change_to_a_sealed_recipient_is_detected()
    {
        var seal = new RecipientSeal(Key);
        var sealedRecipient = seal.Seal(s_recipient, s_requestId);
        var bytes = Convert.FromBase64String(sealedRecipient.Contact);

        for (var i = 0; i < bytes.Length; i++)
        {
            var altered = (byte[])bytes.Clone();
            altered[i] ^= 0x01;
            Assert.Throws<RecipientSealException>(() => seal.Open(sealedRecipient with { Contact = Convert.ToBase64String(altered) }, s_requestId));
        }

        Assert.Throws<RecipientSealException>(() => seal.Open(sealedRecipient with { Contact = Convert.ToBase64String(bytes[..^1]) }, s_requestId));
        Assert.Throws<RecipientSealException>(() => seal.Open(sealedRecipient with { Contact = "not base64!" }, s_requestId));
        Assert.Throws<RecipientSealException>(() => seal.Open(sealedRecipient with { Contact = "" }, s_requestId));
    }

    [Fact]
    public void A_sealed_recipient_copied_into_another_requests_event_does_not_open()
    {
        var seal = new RecipientSeal(Key);

        var sealedRecipient = seal.Seal(s_recipient, s_requestId);

        var exception = Assert.Throws<RecipientSealException>(() => seal.Open(sealedRecipient, Guid.NewGuid()));
        Assert.Contains(seal.KeyId, exception.Message);
    }

    [Fact]
    public void Another_key_does_not_open_it_and_the_error_names_the_key_id_not_the_recipient()
    {
        var sealedRecipient = new RecipientSeal(Key).Seal(s_recipient, s_requestId);
        var otherSeal = new RecipientSeal("another-deployment-secret-0123456789abcdef");

        var unknownKey = Assert.Throws<RecipientSealException>(() => otherSeal.Open(sealedRecipient, s_requestId));
        // The same envelope claiming the other key's id: the tag does not match.
        var wrongKey = Assert.Throws<RecipientSealException>(() => otherSeal.Open(sealedRecipient with { KeyId = otherSeal.KeyId }, s_requestId));

        Assert.Contains(sealedRecipient.KeyId, unknownKey.Message);
        Assert.Contains(otherSeal.KeyId, wrongKey.Message);
        foreach (var message in new[] { unknownKey.Message, wrongKey.Message })
        {
            Assert.DoesNotContain("Öberg", message);
            Assert.DoesNotContain("example.com", message);
        }
    }

    [Fact]
    public void After_a_rotation_the_new_key_seals_and_the_previous_one_still_opens_what_it_sealed()
    {
        var beforeRotation = new RecipientSeal(PreviousKey).Seal(s_recipient, s_requestId);
        var rotated = new RecipientSeal(Key, PreviousKey);

        var afterRotation = rotated.Seal(s_recipient, s_requestId);

        Assert.Equal(new RecipientSeal(Key).KeyId, afterRotation.KeyId);
        Assert.NotEqual(beforeRotation.KeyId, afterRotation.KeyId);
        Assert.Equal(s_recipient, rotated.Open(beforeRotation, s_requestId));
        Assert.Equal(s_recipient, rotated.Open(afterRotation, s_requestId));
        Assert.Throws<RecipientSealException>(() => new RecipientSeal(Key).Open(beforeRotation, s_requestId));
    }

    [Fact]
    public void The_key_id_is_short_stable_and_different_for_another_key()
    {
        Assert.Matches("^[0-9a-f]{8}$", new RecipientSeal(Key).KeyId);
        Assert.Equal(new RecipientSeal(Key).KeyId, new RecipientSeal(Key).KeyId);
        Assert.NotEqual(new RecipientSeal(Key).KeyId, new RecipientSeal(PreviousKey).KeyId);
    }
}

/// <summary>RecipientSeal:Key as BookingApi and the notifier read it (ServiceDefaults' AddRecipientSeal).</summary>
public sealed class RecipientSealSettingTests
{
    [Fact]
    public void In_Development_without_a_key_both_services_seal_with_the_same_development_key()
    {
        var bookingApi = Build("Development", new Dictionary<string, string?>());
        var notifier = Build("Development", new Dictionary<string, string?>());

        var sealedRecipient = bookingApi.Seal(new BookingRecipient("Bo Ek", "bo@example.com", "en"), Guid.Empty);

        Assert.Equal(new RecipientSeal(RecipientSealOptions.DevelopmentKey).KeyId, sealedRecipient.KeyId);
        Assert.Equal("bo@example.com", notifier.Open(sealedRecipient, Guid.Empty).Email);
    }

    [Fact]
    public void A_configured_key_is_used_with_the_previous_one()
    {
        var previous = new RecipientSeal("the-secret-before-the-last-rotation-0123456");
        var seal = Build("Production", new Dictionary<string, string?>
        {
            ["RecipientSeal:Key"] = "a-deployment-secret-of-32-characters-or-more",
            ["RecipientSeal:PreviousKey"] = "the-secret-before-the-last-rotation-0123456",
        });

        Assert.Equal(new RecipientSeal("a-deployment-secret-of-32-characters-or-more").KeyId, seal.KeyId);
        Assert.Equal("Bo Ek", seal.Open(previous.Seal(new BookingRecipient("Bo Ek", "bo@example.com", "en"), Guid.Empty), Guid.Empty).Name);
    }

    [Theory]
    [InlineData("Production", null, "missing 'RecipientSeal:Key' (environment variable RecipientSeal__Key)")]
    [InlineData("Staging", null, "missing 'RecipientSeal:Key'")]
    [InlineData("Production", "too-short", "'RecipientSeal:Key': The field Key must be")]
    [InlineData("Development", "too-short", "'RecipientSeal:Key': The field Key must be")]
    [InlineData("Production", RecipientSealOptions.DevelopmentKey, "is the development key")]
    public void A_missing_short_or_public_key_stops_the_service_naming_the_setting(string environment, string? key, string message)
    {
        var exception = Assert.Throws<ConfigurationException>(() => Build(environment, new Dictionary<string, string?> { ["RecipientSeal:Key"] = key }));

        Assert.Contains(message, exception.Message);
    }

    private static RecipientSeal Build(string environment, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        var seal = builder.AddRecipientSeal();
        Assert.Same(seal, builder.Build().Services.GetRequiredService<RecipientSeal>());
        return seal;
    }
}
