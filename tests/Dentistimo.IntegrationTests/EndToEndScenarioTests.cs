using Dentistimo.IntegrationTests.Infrastructure;
using Dentistimo.Scenarios;

namespace Dentistimo.IntegrationTests;

/// <summary>
/// The end-to-end scenario of tests/Dentistimo.Scenarios against the system the launcher runs: the three services as
/// processes, on the real PostgreSQL, Redis, RabbitMQ and MailDev. tests/Dentistimo.AppHost.Tests runs the same
/// scenario under the Aspire AppHost.
/// </summary>
public sealed class EndToEndScenarioTests(LaunchedSystem system) : IClassFixture<LaunchedSystem>
{
    [Fact]
    public async Task A_patient_finds_the_clinics_books_a_slot_races_others_for_its_last_places_and_everyone_gets_one_email()
    {
        using var scenario = new PatientBookingScenario(system.Running);

        await scenario.RunAsync();
    }
}
