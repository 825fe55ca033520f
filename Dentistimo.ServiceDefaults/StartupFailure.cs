namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A configuration mistake (a missing connection string, a setting out of its range) is an operator's problem, not a
/// bug: it deserves one line naming the key, not a stack trace.
/// </summary>
public sealed class ConfigurationException(string message) : Exception(message);

internal static class StartupFailure
{
    // EX_CONFIG from sysexits.h: tells process supervisors this is a configuration error.
    private const int ConfigurationErrorExitCode = 78;
    private static int s_registered;

    public static void ReportConfigurationErrorsWithoutStackTrace()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (e.ExceptionObject is ConfigurationException mistake)
            {
                Console.Error.WriteLine($"{AppDomain.CurrentDomain.FriendlyName}: {mistake.Message}");
                Environment.Exit(ConfigurationErrorExitCode);
            }
        };
    }
}
