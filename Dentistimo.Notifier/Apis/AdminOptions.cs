namespace Dentistimo.Notifier.Apis;

/// <summary>The operator endpoints' credential (configuration section <c>Admin</c>).</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    public string? ApiKey { get; set; }
}
