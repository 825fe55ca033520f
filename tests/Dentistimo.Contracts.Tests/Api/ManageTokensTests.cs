using Dentistimo.Contracts.Api;

namespace Dentistimo.Contracts.Tests.Api;

public class ManageTokensTests
{
    private const string Key = "a-recipient-seal-key-of-at-least-thirty-two-characters";
    private const string NextKey = "the-next-recipient-seal-key-of-at-least-thirty-two-chars";

    [Fact]
    public void A_token_opens_its_own_booking_only()
    {
        var tokens = new ManageTokens(Key);
        var booking = Guid.CreateVersion7();

        var token = tokens.For(booking);

        Assert.Equal(43, token.Length);
        Assert.True(tokens.IsValid(booking, token));
        Assert.False(tokens.IsValid(Guid.CreateVersion7(), token));
        Assert.False(tokens.IsValid(booking, token[..^1] + (token[^1] == 'A' ? 'B' : 'A')));
        Assert.False(tokens.IsValid(booking, null));
        Assert.False(tokens.IsValid(booking, "not a token"));
        Assert.False(tokens.IsValid(booking, ""));
    }

    [Fact]
    public void After_a_key_rotation_links_sent_before_still_work_and_new_ones_use_the_new_key()
    {
        var booking = Guid.CreateVersion7();
        var before = new ManageTokens(Key).For(booking);

        var rotated = new ManageTokens(NextKey, previousKey: Key);

        Assert.True(rotated.IsValid(booking, before));
        Assert.NotEqual(before, rotated.For(booking));
        Assert.False(new ManageTokens(NextKey).IsValid(booking, before));
    }

    [Fact]
    public void Only_what_has_a_tokens_form_is_well_formed()
    {
        var token = new ManageTokens(Key).For(Guid.CreateVersion7());

        Assert.True(ManageTokens.IsWellFormed(token));
        Assert.True(ManageTokens.IsWellFormed(new string('-', 21) + new string('_', 22)));
        Assert.False(ManageTokens.IsWellFormed(null));
        Assert.False(ManageTokens.IsWellFormed(""));
        Assert.False(ManageTokens.IsWellFormed(token[..^1]));
        Assert.False(ManageTokens.IsWellFormed(token + "A"));
        Assert.False(ManageTokens.IsWellFormed(token + "="));
        // Each of these in an Authorization header makes HttpClient throw (FormatException, or HttpRequestException for
        // non-ASCII, which the resilience handler counts as BookingApi failing).
        Assert.False(ManageTokens.IsWellFormed(token[..^1] + "\0"));
        Assert.False(ManageTokens.IsWellFormed(token[..^1] + "\n"));
        Assert.False(ManageTokens.IsWellFormed(token[..^1] + "é"));
        Assert.False(ManageTokens.IsWellFormed(token[..^1] + " "));
        Assert.False(ManageTokens.IsWellFormed(token[..^1] + "/"));
    }
}
