namespace Dentistimo.Web.Pages;

// Why the booking page sent the patient home: a bookmark or an old email's link gets the reason, not just a way back.
public enum HomeNotice
{
    ChooseBoth,
    NoSuchClinic,
    NotADate,
    DayPassed,
    BeyondBookingWindow,
}

public static class HomeNotices
{
    private static readonly IReadOnlyDictionary<HomeNotice, string> s_queryValues = new Dictionary<HomeNotice, string>
    {
        [HomeNotice.ChooseBoth] = "choose",
        [HomeNotice.NoSuchClinic] = "no-such-clinic",
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
