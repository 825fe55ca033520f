namespace Dentistimo.Notifier.Apis;

public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    public string? ApiKey { get; set; }
}
