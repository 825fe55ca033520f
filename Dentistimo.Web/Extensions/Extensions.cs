using Dentistimo.Web.Services;

namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorPages();

        var bookingApi = builder.Configuration.GetRequiredServiceUri("bookingapi");
        builder.Services.AddHttpClient<BookingApiClient>(http => http.BaseAddress = bookingApi);
    }
}
