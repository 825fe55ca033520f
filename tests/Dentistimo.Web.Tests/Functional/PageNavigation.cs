using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Dentistimo.Web.Tests.Functional;

public static class PageNavigation
{
    /// <summary>
    /// Waits for the page to reach <paramref name="url"/>. A page that stays put has answered something else (a refusal,
    /// a field's message, a 503): the failure says where it stayed and what it said, which a timeout alone does not.
    /// </summary>
    public static async Task ArriveAtAsync(this IPage page, Regex url)
    {
        try
        {
            await page.WaitForURLAsync(url);
        }
        catch (TimeoutException timeout)
        {
            var shown = await page.Locator("main").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 5_000 });
            throw new TimeoutException($"The page never reached {url} but stayed at {page.Url}, showing:\n{shown}", timeout);
        }
    }
}
