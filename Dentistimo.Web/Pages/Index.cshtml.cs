using Dentistimo.Web.Services;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dentistimo.Web.Pages;

public sealed class IndexModel(BookingApiClient bookingApi, ILogger<IndexModel> logger) : PageModel
{
    public IReadOnlyList<ClinicSummary> Clinics { get; private set; } = [];
    public bool BookingApiUnavailable { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            Clinics = await bookingApi.GetClinicsAsync(cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            logger.LogWarning(exception, "BookingApi is unreachable; showing the home page without clinics");
            BookingApiUnavailable = true;
        }
    }
}
