using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dentistimo.Load;

namespace Dentistimo.Bench;

/// <summary>
/// From booking request to email accepted by MailDev: booking requests at a constant arrival rate
/// (<see cref="ConstantArrivalRate"/>), each from its own patient address and spread over every free slot, so that both
/// confirmations and rejections are sent. Latency is the time MailDev finished writing the email (its .eml file) minus
/// the time the request was due. Lost: a request answered 201 or 409 without an email once none
/// has arrived for a minute (a backlog is late, not lost); duplicated: a recipient with more than one email.
/// </summary>
public static class NotificationBenchmark
{
    private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_drain = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);

    /// <param name="Status">Null when no answer came.</param>
    private sealed record Request(int Index, DateTimeOffset Due, TimeSpan ResponseTime, HttpStatusCode? Status)
    {
        public bool ExpectsEmail => Status is HttpStatusCode.Created or HttpStatusCode.Conflict;
    }

    private sealed record Email(string Id, DateTimeOffset Received);

    private sealed record MailDevEmail(string Id, string Source, IReadOnlyList<MailDevAddress>? To);

    private sealed record MailDevAddress(string Address);

    public static async Task<int> RunAsync(TextWriter output, int rate, TimeSpan duration)
    {
        // The notifier's emails link to the web, so the web runs too, as it does under the AppHost.
        await using var system = await BenchSystem.StartAsync(BenchSystem.BookingApi, BenchSystem.Notifier, BenchSystem.Web);
        using var bookingApi = new HttpClient { BaseAddress = system.Url(BenchSystem.BookingApi), Timeout = TimeSpan.FromSeconds(30) };
        using var mailDev = new HttpClient { BaseAddress = system.MailDevUrl };
        var slots = await Harness.FindFreeSlotsAsync(bookingApi);

        // The services start cold (JIT, connection pools, MailDev's 100 ms greeting per new SMTP connection), as the
        // decision benchmark's do: a warm-up at the same rate, whose emails are awaited and then deleted, goes first.
        Console.Error.WriteLine($"Warming up at {rate}/s for {s_warmUp.TotalSeconds:0} s...");
        var warmUp = await Inbox.StartAsync(mailDev);
        await WaitForEmailsAsync(await SendAsync(bookingApi, slots, rate, s_warmUp, warmUp), warmUp);
        await warmUp.DeleteAllAsync();

        var inbox = await Inbox.StartAsync(mailDev);
        Console.Error.WriteLine($"Sending {rate} booking requests per second for {duration.TotalSeconds:0} s over {slots.Count:N0} slots...");
        var requests = await SendAsync(bookingApi, slots, rate, duration, inbox);
        var expected = await WaitForEmailsAsync(requests, inbox);
        output.WriteLine(Report(requests, inbox.Received, rate, duration, slots.Count));
        await inbox.DeleteAllAsync();
        return expected.All(request => inbox.Received.TryGetValue(request.Index, out var emails) && emails.Count == 1) ? 0 : 1;
    }

    /// <summary>A backlog is late, not lost: waits for as long as emails keep arriving, and until none has for <see cref="s_drain"/>.</summary>
    /// <returns>The requests that expect an email.</returns>
    private static async Task<List<Request>> WaitForEmailsAsync(Request[] requests, Inbox inbox)
    {
        var expected = requests.Where(request => request.ExpectsEmail).ToList();
        Console.Error.WriteLine($"Waiting for the last emails, until none has arrived for {s_drain.TotalSeconds:0} s...");
        var (arrived, lastArrival) = (inbox.Received.Count, DateTimeOffset.UtcNow);
        while (expected.Any(request => !inbox.Received.ContainsKey(request.Index)) && DateTimeOffset.UtcNow - lastArrival < s_drain)
        {
            await Task.Delay(s_poll);
            await inbox.PollAsync();
            if (inbox.Received.Count > arrived)
            {
                (arrived, lastArrival) = (inbox.Received.Count, DateTimeOffset.UtcNow);
            }
        }

        await Task.Delay(s_poll);
        await inbox.PollAsync();
        await inbox.SearchAsync(expected.Select(request => request.Index).Where(index => !inbox.Received.ContainsKey(index)).Take(1000).ToList());
        return expected;
    }

    private static async Task<Request[]> SendAsync(HttpClient bookingApi, IReadOnlyList<SlotToBook> slots, int rate, TimeSpan duration, Inbox inbox)
    {
        using var sendingDone = new CancellationTokenSource();
        var polling = PollUntilAsync(inbox, sendingDone.Token);
        var t0 = DateTimeOffset.UtcNow;
        var samples = await ConstantArrivalRate.RunAsync(rate, duration, (sequence, _) => SendOneAsync((int)sequence));
        await sendingDone.CancelAsync();
        await polling;
        return samples.Select(sample => new Request((int)sample.Sequence, t0 + sample.DueAt, sample.Latency, sample.Outcome)).ToArray();

        async Task<HttpStatusCode?> SendOneAsync(int index)
        {
            var (clinic, start) = slots[index % slots.Count];
            var body = new
            {
                requestId = Guid.NewGuid(), clinicId = clinic, start, language = "en",
                patient = new { name = "Bench Patient", email = $"patient-{index}{inbox.Domain}" },
            };
            try
            {
                using var response = await bookingApi.PostAsJsonAsync("/api/bookings", body);
                return response.StatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                Console.Error.WriteLine($"Request {index}: {exception.Message}");
                return null;
            }
        }
    }

    /// <summary>Reads MailDev every <see cref="s_poll"/> while requests are sent, so that its list never grows long between reads.</summary>
    private static async Task PollUntilAsync(Inbox inbox, CancellationToken sendingDone)
    {
        while (!sendingDone.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(s_poll, sendingDone);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await inbox.PollAsync();
        }
    }

    /// <summary>This run's emails in MailDev, read as they arrive, by request index.</summary>
    private sealed class Inbox(HttpClient mailDev, string domain, int skip)
    {
        /// <summary>
        /// MailDev may be shared with other runs: an inbox's emails are told apart by their recipients' domain, and only
        /// what arrives after this point is read (GET /email?skip=n gives the emails after the first n).
        /// </summary>
        public static async Task<Inbox> StartAsync(HttpClient mailDev) =>
            new(mailDev, $"@bench-{Guid.NewGuid().ToString("N")[..8]}.example.com", (await mailDev.GetFromJsonAsync<List<MailDevEmail>>("email"))!.Count);

        private readonly SemaphoreSlim _polling = new(1);
        private int _skip = skip;

        public string Domain => domain;

        public Dictionary<int, List<Email>> Received { get; } = [];

        public async Task PollAsync()
        {
            await _polling.WaitAsync();
            try
            {
                var emails = (await mailDev.GetFromJsonAsync<List<MailDevEmail>>($"email?skip={_skip}"))!;
                _skip += emails.Count;
                Add(emails);
            }
            finally
            {
                _polling.Release();
            }
        }

        /// <summary>Looks for the emails to the given requests' patients by address, in case someone else deleted emails from MailDev, which shifts ?skip=.</summary>
        public async Task SearchAsync(IEnumerable<int> indexes)
        {
            foreach (var index in indexes)
            {
                Add((await mailDev.GetFromJsonAsync<List<MailDevEmail>>($"email?to.address=patient-{index}{domain}"))!);
            }
        }

        private void Add(List<MailDevEmail> emails)
        {
            foreach (var email in emails)
            {
                if (email.To?.FirstOrDefault()?.Address is { } to && to.EndsWith(domain, StringComparison.OrdinalIgnoreCase))
                {
                    var index = int.Parse(to["patient-".Length..^domain.Length], CultureInfo.InvariantCulture);
                    // MailDev's own "time" is the Date header, in whole seconds; its .eml file was last written when
                    // the email was accepted (MailDev runs on this machine, as the AppHost starts it).
                    var received = new DateTimeOffset(File.GetLastWriteTimeUtc(email.Source));
                    if (!Received.TryGetValue(index, out var emailsTo))
                    {
                        Received[index] = emailsTo = [];
                    }

                    emailsTo.Add(new Email(email.Id, received));
                }
            }
        }

        /// <summary>Deletes this run's emails, and only them, so that a shared MailDev does not keep thousands in memory.</summary>
        public async Task DeleteAllAsync()
        {
            foreach (var email in Received.Values.SelectMany(emails => emails))
            {
                using var _ = await mailDev.DeleteAsync($"email/{email.Id}");
            }
        }
    }

    private static string Report(Request[] requests, Dictionary<int, List<Email>> received, int rate, TimeSpan duration, int slots)
    {
        var expected = requests.Where(request => request.ExpectsEmail).ToList();
        var latency = LatencySummary.Of(expected.Where(request => received.ContainsKey(request.Index))
            .Select(request => received[request.Index].Min(email => email.Received) - request.Due));
        var answers = LatencySummary.Of(requests.Select(request => request.ResponseTime));
        var lost = expected.Count(request => !received.ContainsKey(request.Index));
        var duplicated = received.Values.Count(emails => emails.Count > 1);
        var unexpected = requests.Count(request => !request.ExpectsEmail && received.ContainsKey(request.Index));
        var other = requests.Where(request => !request.ExpectsEmail).GroupBy(request => request.Status?.ToString("D") ?? "no answer")
            .Select(group => $"{group.Count():N0} answered {group.Key}");
        var sentRate = requests.Length / (requests[^1].Due - requests[0].Due).TotalSeconds;
        var arrivals = received.Values.SelectMany(emails => emails).Select(email => email.Received).ToList();
        var emailRate = arrivals.Count / (arrivals.DefaultIfEmpty(requests[0].Due).Max() - requests[0].Due).TotalSeconds;

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Harness.Machine}; the load generator, PostgreSQL, RabbitMQ, MailDev, BookingApi and the notifier on the same machine.");
        report.AppendLine();
        report.AppendLine("| what | requests/s | p50 | p99 | max | lost | duplicated | notes |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| booking request to email in MailDev, {rate}/s for {duration.TotalSeconds:0} s over {slots:N0} slots | {sentRate:N0} | " +
            $"{latency.P50.TotalMilliseconds:N0} ms | {latency.P99.TotalMilliseconds:N0} ms | {latency.Max.TotalMilliseconds:N0} ms | {lost:N0} | {duplicated:N0} | " +
            $"{requests.Length:N0} requests: {requests.Count(r => r.Status == HttpStatusCode.Created):N0} confirmed, {requests.Count(r => r.Status == HttpStatusCode.Conflict):N0} rejected" +
            $"{string.Concat(other.Select(text => ", " + text))}; answer p50 {answers.P50.TotalMilliseconds:N0} ms, p99 {answers.P99.TotalMilliseconds:N0} ms; " +
            $"emails arrived at {emailRate:N0}/s |");
        // Where in the run the slow emails were: a cold start (connections, JIT) shows in the first window only.
        var window = TimeSpan.FromSeconds(10);
        var windows = LatencySummary.ByWindow(
                expected.Where(request => received.ContainsKey(request.Index)),
                request => request.Due - requests[0].Due,
                request => received[request.Index].Min(email => email.Received) - request.Due,
                window)
            .Select(part => $"{part.From.TotalSeconds:0}-{(part.From + window).TotalSeconds:0} s: {part.Latency.P99.TotalMilliseconds:N0} ms");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"p99 by when the request was sent: {string.Join("; ", windows)}.");
        if (unexpected > 0)
        {
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"Emails for requests without a 201 or 409 answer: {unexpected:N0}.");
        }

        return report.ToString();
    }
}
