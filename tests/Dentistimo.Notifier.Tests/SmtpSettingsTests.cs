using Dentistimo.Notifier.Email;
using Dentistimo.ServiceDefaults;
using Microsoft.Extensions.Hosting;

namespace Dentistimo.Notifier.Tests;

public sealed class SmtpSettingsTests
{
    [Theory]
    [InlineData("Endpoint=smtp://127.0.0.1:1025", "127.0.0.1", 1025, false)]
    [InlineData("Endpoint=smtp://mail.example.com", "mail.example.com", 25, false)]
    [InlineData("Endpoint=smtp://mail.example.com;StartTls=true", "mail.example.com", 587, true)]
    [InlineData("Endpoint=smtp://mail.example.com:2525;StartTls=True", "mail.example.com", 2525, true)]
    public void An_smtp_endpoint_gives_host_port_and_whether_to_start_TLS(string connectionString, string host, int port, bool startTls)
    {
        var settings = SmtpSettings.Parse(connectionString);

        Assert.Equal((host, port, startTls), (settings.Host, settings.Port, settings.StartTls));
    }

    [Fact]
    public void Credentials_are_read_but_never_shown()
    {
        var settings = SmtpSettings.Parse("Endpoint=smtp://relay.example.com:587;StartTls=true;Username=dentistimo;Password=s3cret");

        Assert.Equal(("dentistimo", "s3cret"), (settings.Username, settings.Password));
        Assert.Equal("smtp://relay.example.com:587 (STARTTLS)", settings.ToString());
    }

    [Fact]
    public void Tls_from_the_first_byte_is_refused_with_what_to_write_instead()
    {
        var exception = Assert.Throws<ConfigurationException>(() => SmtpSettings.Parse("Endpoint=smtps://relay.example.com:465;Username=u;Password=p"));

        Assert.Contains("'Endpoint=smtp://relay.example.com:587;StartTls=true'", exception.Message);
        Assert.DoesNotContain("p;", exception.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Host=mail.example.com")]
    [InlineData("Endpoint=http://mail.example.com")]
    [InlineData("Endpoint=smtp://mail.example.com;StartTls=yes")]
    public void Anything_else_is_refused_naming_the_connection_string(string connectionString)
    {
        var exception = Assert.Throws<ConfigurationException>(() => SmtpSettings.Parse(connectionString));

        Assert.Contains("ConnectionStrings:mail", exception.Message);
    }
}
