namespace Dentistimo.Testing;

/// <summary>Polls for an asynchronous outcome. The timeout is a safety net for a hung system, not a speed assertion.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        await TrueAsync(() => Task.FromResult(condition()), timeout, what);

    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for {what} after {timeout}.");
            }

            await Task.Delay(100);
        }
    }
}
