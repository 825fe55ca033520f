namespace Dentistimo.Web.Pages;

/// <summary>
/// Why the booking page sent the patient back home (the home page's <c>notice</c>): an address whose clinic or date it
/// cannot show, from a bookmark, an old email or a typed link, gets the reason, not just a way back.
/// </summary>
public enum HomeNotice
{
    /// <summary>No clinic we know, or no date at all.</summary>
    ChooseBoth,

    /// <summary>The date is not a calendar date (2026-13-45, say).</summary>
    NotADate,

    DayPassed,

    /// <summary>Further ahead than BookingApi books.</summary>
    BeyondBookingWindow,
}

public static class HomeNotices
{
    private static readonly IReadOnlyDictionary<HomeNotice, string> s_queryValues = new Dictionary<HomeNotice, string>
    {
        [HomeNotice.ChooseBoth] = "choose",
        [HomeNotice.NotADate] = "not-a-date",
        [HomeNotice.DayPassed] = "day-passed",
        [HomeNotice.BeyondBookingWindow] = "beyond-booking-window",
    };

    private static readonly IReadOnlyDictionary<string, HomeNotice> s_noticesByQueryValue =
        s_queryValues.ToDictionary(pair => pair.Value, pair => pair.Key);

    public static string ToQueryValue(this HomeNotice notice) => s_queryValues[notice];

    public static HomeNotice? FromQueryValue(string? value) =>
        value is not null && s_noticesByQueryValue.TryGetValue(value, out var notice) ? notice : null;
}
