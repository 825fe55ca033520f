using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dentistimo.Notifier.Tests;

/// <summary>
/// Just enough of an SMTP server on loopback to see what a client sends: it answers each recipient with the reply
/// <c>recipientReplies</c> gives for that recipient command (counted over all connections), and can close a
/// connection after the email it accepted, as servers do with connections left idle. Given <c>authReply</c> it offers
/// AUTH and answers every AUTH command with it; given <c>senderReplies</c> it answers MAIL as those say.
/// </summary>
internal sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly Func<int, string> _recipientReplies;
    private readonly Func<int, string>? _senderReplies;
    private readonly string? _authReply;
    private readonly bool _closeAfterEachEmail;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<string> _emails = [];
    private readonly Task _accepting;
    private int _recipientCommands;
    private int _senderCommands;
    private int _authCommands;
    private int _connections;
    private int _accepted;
    private int _quits;

    public ScriptedSmtpServer(
        Func<int, string> recipientReplies, bool closeAfterEachEmail = false, Func<int, string>? senderReplies = null, string? authReply = null)
    {
        _recipientReplies = recipientReplies;
        _senderReplies = senderReplies;
        _authReply = authReply;
        _closeAfterEachEmail = closeAfterEachEmail;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int RecipientCommands => Volatile.Read(ref _recipientCommands);

    public int AuthCommands => Volatile.Read(ref _authCommands);

    public int Connections => Volatile.Read(ref _connections);

    public int Accepted => Volatile.Read(ref _accepted);

    public int Quits => Volatile.Read(ref _quits);

    /// <summary>The emails accepted, as sent after DATA (dot-stuffing undone).</summary>
    public IReadOnlyList<string> Emails => [.. _emails];

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            Interlocked.Increment(ref _connections);
            _ = ConverseAsync(client);
        }
    }

    private async Task ConverseAsync(TcpClient client)
    {
        using var _ = client;
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        try
        {
            await writer.WriteLineAsync("220 scripted");
            while (await reader.ReadLineAsync(_stopping.Token) is { } command)
            {
                var verb = command.Split(' ', ':')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync(_authReply is null ? "250 ok" : "250-scripted\r\n250 AUTH PLAIN LOGIN");
                        break;
                    case "AUTH":
                        Interlocked.Increment(ref _authCommands);
                        await writer.WriteLineAsync(_authReply);
                        break;
                    case "MAIL":
                        await writer.WriteLineAsync(_senderReplies?.Invoke(Interlocked.Increment(ref _senderCommands)) ?? "250 ok");
                        break;
                    case "RCPT":
                        await writer.WriteLineAsync(_recipientReplies(Interlocked.Increment(ref _recipientCommands)));
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 go ahead");
                        var email = new StringBuilder();
                        while (await reader.ReadLineAsync(_stopping.Token) is { } line && line != ".")
                        {
                            email.Append(line.StartsWith('.') ? line[1..] : line).Append("\r\n");
                        }

                        _emails.Enqueue(email.ToString());
                        Interlocked.Increment(ref _accepted);
                        await writer.WriteLineAsync("250 queued");
                        if (_closeAfterEachEmail)
                        {
                            return;
                        }

                        break;
                    case "QUIT":
                        Interlocked.Increment(ref _quits);
                        await writer.WriteLineAsync("221 bye");
                        return;
                    default: // HELO, RSET, NOOP
                        await writer.WriteLineAsync("250 ok");
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
