using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Dentistimo.AppHost.Tests.Infrastructure;

/// <summary>
/// A mail relay as production's (STARTTLS on its submission port, then a user name and password), passing what it gets
/// on to MailDev with a Received header that says how it came in. Its certificate is issued by a certificate authority
/// of its own, made for the run: a client trusts it only when told to (<see cref="AuthorityFile"/>).
/// It is starttls-relay.js on smtp-server and nodemailer, the packages MailDev itself is made of.
/// </summary>
public sealed class StartTlsMailRelay : IAsyncDisposable
{
    public const string User = "dentistimo-notifier";

    private readonly string _folder;
    private Process? _process;
    private readonly HashSet<string> _refusedSessions = [];

    private StartTlsMailRelay(string folder, int port, string password)
    {
        _folder = folder;
        Port = port;
        Password = password;
    }

    public int Port { get; }

    public string Password { get; }

    /// <summary>The relay's certificate authority, as a PEM file.</summary>
    public string AuthorityFile => Path.Combine(_folder, "authority.pem");

    /// <summary>
    /// In how many sessions the relay has refused our credentials (535 at AUTH, 530 at MAIL) so far. Sessions, not
    /// replies: a client may try each AUTH mechanism offered, so one attempt can be refused more than once.
    /// </summary>
    public int CredentialRefusals
    {
        get
        {
            lock (_refusedSessions)
            {
                return _refusedSessions.Count;
            }
        }
    }

    private string RevokedMarker => Path.Combine(_folder, "password-revoked");

    /// <summary>ConnectionStrings:mail for the notifier, in production's form.</summary>
    public string ConnectionString => $"Endpoint=smtp://127.0.0.1:{Port};StartTls=true;Username={User};Password={Password}";

    /// <summary>Makes the relay's certificates and password for <paramref name="port"/>, so that its address is known before it starts.</summary>
    public static StartTlsMailRelay Prepare(int port)
    {
        var folder = Directory.CreateTempSubdirectory("dentistimo-mail-relay-").FullName;
        WriteCertificates(folder);
        return new StartTlsMailRelay(folder, port, Convert.ToHexString(RandomNumberGenerator.GetBytes(12)));
    }

    /// <summary>Starts the relay, passing on to MailDev's SMTP port, with the packages of MailDev's <paramref name="mailDevModules"/>.</summary>
    public async Task StartAsync(int mailDevSmtpPort, string mailDevModules)
    {
        var start = new ProcessStartInfo("node", [
            Path.Combine(AppContext.BaseDirectory, "Infrastructure", "MailRelay", "starttls-relay.js"),
            $"{Port}", Path.Combine(_folder, "relay.pem"), Path.Combine(_folder, "relay-key.pem"), User, Password, $"{mailDevSmtpPort}",
            RevokedMarker])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["NODE_PATH"] = mailDevModules;
        _process = Process.Start(start)!;
        var started = _process.StandardOutput.ReadLineAsync();
        if (await Task.WhenAny(started, Task.Delay(TimeSpan.FromSeconds(30))) != started || started.Result is null)
        {
            var errors = _process.HasExited ? await _process.StandardError.ReadToEndAsync() : "";
            throw new InvalidOperationException($"The STARTTLS mail relay did not start on port {Port}. {errors}");
        }

        _ = CountRefusalsAsync(_process);
    }

    /// <summary>
    /// As when the password is changed at the mail provider and not yet in our configuration: every login is refused,
    /// and so is the next email of a session that logged in before.
    /// </summary>
    public void RevokePassword() => File.WriteAllText(RevokedMarker, "");

    public void RestorePassword() => File.Delete(RevokedMarker);

    private async Task CountRefusalsAsync(Process process)
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Split(' ') is ["refused", _, var session])
            {
                lock (_refusedSessions)
                {
                    _refusedSessions.Add(session);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        Directory.Delete(_folder, recursive: true);
    }

    private static void WriteCertificates(string folder)
    {
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=Dentistimo test mail relay authority", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, false, 0, critical: true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, critical: true));
        var now = DateTimeOffset.UtcNow;
        using var authority = authorityRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var relayKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var relayRequest = new CertificateRequest("CN=127.0.0.1", relayKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        relayRequest.CertificateExtensions.Add(names.Build());
        relayRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server authentication
        using var relay = relayRequest.Create(authority, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));

        File.WriteAllText(Path.Combine(folder, "authority.pem"), authority.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "relay.pem"), relay.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "relay-key.pem"), relayKey.ExportPkcs8PrivateKeyPem());
    }
}
