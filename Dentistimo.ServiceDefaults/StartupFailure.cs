using Dentistimo.ServiceDefaults;

namespace Microsoft.Extensions.Hosting;

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
