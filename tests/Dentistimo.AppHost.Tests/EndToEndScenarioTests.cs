using Dentistimo.AppHost.Tests.Infrastructure;
using Dentistimo.Scenarios;

namespace Dentistimo.AppHost.Tests;

/// <summary>
/// Starting a whole system of its own (servers and three service processes) takes both cores of these machines for a
/// while, which would slow the browser tests running beside it past their safety nets; so the whole-system fixtures run
/// on their own, one after another, after the tests that run in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WholeSystemCollection
{
    public const string Name = "Whole system";
}

/// <summary>
/// The end-to-end scenario of tests/Dentistimo.Scenarios against the whole system as the AppHost runs it
/// (<see cref="LaunchedSystem"/>). <see cref="PatientBookingTests"/> runs the same scenario, with the operator's commands.
/// </summary>
[Collection(WholeSystemCollection.Name)]
public sealed class EndToEndScenarioTests(LaunchedSystem system) : IClassFixture<LaunchedSystem>
{
    [Fact]
    public async Task A_patient_finds_the_clinics_books_a_slot_races_others_for_its_last_places_and_everyone_gets_one_email()
    {
        using var scenario = new PatientBookingScenario(system.Running);

        await scenario.RunAsync();
    }
}
