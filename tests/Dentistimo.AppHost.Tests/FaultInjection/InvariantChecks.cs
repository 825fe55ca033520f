using System.Globalization;
using System.Text;
using Dentistimo.Load;

namespace Dentistimo.AppHost.Tests.FaultInjection;

/// <summary>
/// What one fault-injection run counted. The invariants hold when <see cref="Violations"/> is empty: no slot holds more
/// bookings than its capacity; every request the client saw acknowledged has exactly one decision, the one it was
/// told; every decision has exactly one email; no message is left unconsumed; anything in an error queue is explained.
/// </summary>
/// <param name="Requests">Booking requests sent, each with a request id of its own.</param>
/// <param name="Attempts">Requests sent, retries with the same request id included.</param>
/// <param name="AcknowledgedAtOnce">Requests whose first attempt was answered with the decision (201 or 409).</param>
/// <param name="Retried">Requests whose first attempt failed, timed out or was throttled, and which the client sent again.</param>
/// <param name="StillIndeterminate">Requests never acknowledged, even after the retries: whether they were decided is unknown to the client.</param>
/// <param name="DecidedUnanswered">
/// Requests decided by an attempt the client never heard back from: the decision was made before the attempt that was
/// acknowledged had been sent. A crash can cause these (the retry then tells the client); a graceful shutdown must not.
/// </param>
/// <param name="Lost">Requests acknowledged to the client with no decision recorded, or with a different one.</param>
/// <param name="UnknownDecisions">Decisions for request ids the client never sent, or a second decision for one it did.</param>
/// <param name="DuplicatedEmails">Emails beyond the first for a decision (a patient told twice).</param>
/// <param name="MissingEmails">Decisions for which the patient got no email.</param>
/// <param name="UnexpectedEmails">Emails for a request without a decision, or of the wrong kind for its decision.</param>
/// <param name="OverbookedSlots">Slots with more confirmed bookings than their capacity.</param>
/// <param name="MiscountedSlots">Slots whose seat counter differs from their confirmed bookings.</param>
/// <param name="OutboxWaiting">Events still in BookingApi's outbox, never published.</param>
/// <param name="UnconsumedMessages">Messages left in queues other than the error queue.</param>
/// <param name="ErrorQueue">The messages in the notifier's error queue, by the reason MassTransit recorded.</param>
public sealed record FaultReport(
    string Fault,
    int Requests,
    int Attempts,
    int AcknowledgedAtOnce,
    int Retried,
    int StillIndeterminate,
    int DecidedUnanswered,
    int Decisions,
    int Confirmed,
    int Lost,
    int UnknownDecisions,
    int Emails,
    int DuplicatedEmails,
    int MissingEmails,
    int UnexpectedEmails,
    int OverbookedSlots,
    int MiscountedSlots,
    int OutboxWaiting,
    IReadOnlyList<string> OutboxParked,
    long UnconsumedMessages,
    IReadOnlyList<FailedMessage> ErrorQueue,
    IReadOnlyList<string> Violations)
{
    /// <summary>One row of the table in artifacts/fault-injection.md; <see cref="MarkdownHeader"/> is its head.</summary>
    public string ToMarkdownRow(TimeSpan took) => string.Create(CultureInfo.InvariantCulture,
        $"| {Fault} | {Requests} | {AcknowledgedAtOnce} | {Retried} | {DecidedUnanswered} | {Decisions} ({Confirmed} confirmed) | {Emails} | " +
        $"{Lost} | {DuplicatedEmails} | {MissingEmails} | {OverbookedSlots} | {UnconsumedMessages} | {ErrorQueue.Count} | " +
        $"{(Violations.Count == 0 ? "held" : $"**{Violations.Count} broken**")} | {took.TotalSeconds:0} s |");

    public const string MarkdownHeader = """
        | fault | requests | acknowledged at once | retried | decided, unanswered | decisions | emails | lost | duplicated emails | missing emails | overbooked slots | unconsumed messages | error queue | invariants | took |
        |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|
        """;

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Fault: {Fault}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Requests {Requests} ({Attempts} attempts): {AcknowledgedAtOnce} acknowledged at once, {Retried} retried, {StillIndeterminate} still indeterminate, {DecidedUnanswered} decided but unanswered");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Decisions {Decisions} ({Confirmed} confirmed): {Lost} lost, {UnknownDecisions} unknown; slots {OverbookedSlots} overbooked, {MiscountedSlots} miscounted");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Emails {Emails}: {DuplicatedEmails} duplicated, {MissingEmails} missing, {UnexpectedEmails} unexpected");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Messages: {OutboxWaiting} waiting in the outbox, {OutboxParked.Count} parked, {UnconsumedMessages} unconsumed, {ErrorQueue.Count} in the error queue");
        foreach (var (reason, count) in ErrorQueue.CountBy(message => $"{message.ExceptionType}: {message.Reason}"))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  error queue, {count} x {reason}");
        }

        foreach (var parked in OutboxParked)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  parked in the outbox: {parked}");
        }

        foreach (var violation in Violations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"VIOLATED: {violation}");
        }

        return text.ToString();
    }
}

/// <summary>
/// The checkers, in the manner of Jepsen's: plain functions from the client's recorded history and the system's state
/// after it drained to counts and the invariants they break. They know nothing of the fault that was injected.
/// </summary>
public static class InvariantChecks
{
    private const int ExamplesPerViolation = 5;

    /// <param name="toleratedDuplicateEmails">Duplicates that are counted and reported but break nothing (see <see cref="Fault.ToleratedDuplicateEmails"/>).</param>
    public static FaultReport Check(string fault, BookingHistory history, SystemState state, int toleratedDuplicateEmails = 0)
    {
        var requests = history.Requests;
        var sent = requests.ToDictionary(request => request.RequestId);
        var decisions = state.Decisions.GroupBy(decision => decision.RequestId).ToDictionary(group => group.Key, group => group.ToList());
        var violations = new List<string>();

        void Violated(string invariant, IEnumerable<string> examples)
        {
            var all = examples.ToList();
            if (all.Count > 0)
            {
                violations.Add($"{invariant}: {all.Count}, e.g. {string.Join("; ", all.Take(ExamplesPerViolation))}");
            }
        }

        // Every acknowledged answer must be backed by exactly that decision; a retry may not contradict the first answer.
        var lost = requests
            .Where(request => request.Attempts.Any(attempt => attempt.IsAcknowledged))
            .Select(request => (request, decision: decisions.GetValueOrDefault(request.RequestId)?.FirstOrDefault()))
            .Where(pair => pair.decision is null || pair.request.Attempts.Any(attempt =>
                attempt.IsAcknowledged && (attempt.Outcome == BookingOutcome.Confirmed) != pair.decision.Confirmed))
            .Select(pair => pair.decision is null
                ? $"{pair.request.RequestId} was answered {pair.request.FirstAcknowledged!.Outcome} but has no decision"
                : $"{pair.request.RequestId} was answered {string.Join(", then ", pair.request.Attempts.Select(a => a.Outcome))} but is {(pair.decision.Confirmed ? "confirmed" : "rejected")}")
            .ToList();
        Violated("acknowledged requests without their decision (lost)", lost);

        var unknownDecisions = decisions
            .Where(pair => !sent.ContainsKey(pair.Key) || pair.Value.Count > 1)
            .Select(pair => $"{pair.Key} has {pair.Value.Count} decision(s){(sent.ContainsKey(pair.Key) ? "" : " and was never sent")}")
            .ToList();
        Violated("decisions for no request, or several for one", unknownDecisions);

        var stillIndeterminate = requests.Where(request => request.FirstAcknowledged is null).ToList();
        Violated("requests still indeterminate after the retries", stillIndeterminate.Select(request =>
            $"{request.RequestId}: {string.Join(", ", request.Attempts.Select(attempt => attempt.Outcome))}"));

        var decidedUnanswered = requests.Count(request =>
            request.FirstAcknowledged is { } acknowledged &&
            decisions.GetValueOrDefault(request.RequestId)?.FirstOrDefault() is { } decision &&
            decision.DecidedAt < acknowledged.SentAt);

        // Emails, by the (request, kind) their Message-ID names.
        var emailsByRequest = state.Emails.Where(email => sent.ContainsKey(email.RequestId)).GroupBy(email => email.RequestId)
            .ToDictionary(group => group.Key, group => group.ToList());
        var missing = decisions.Keys.Where(sent.ContainsKey)
            .Where(requestId => !emailsByRequest.GetValueOrDefault(requestId, []).Any(email => email.Kind == decisions[requestId][0].EmailKind))
            .Select(requestId => $"{requestId} ({decisions[requestId][0].EmailKind})")
            .ToList();
        Violated("decisions without an email (missing)", missing);
        var duplicated = emailsByRequest
            .Select(pair => (RequestId: pair.Key, Copies: pair.Value.Count(email =>
                decisions.GetValueOrDefault(pair.Key)?.FirstOrDefault() is { } decision && decision.EmailKind == email.Kind)))
            .Where(emailed => emailed.Copies > 1)
            .ToList();
        if (duplicated.Sum(emailed => emailed.Copies - 1) > toleratedDuplicateEmails)
        {
            Violated($"decisions emailed more than once (duplicated; {toleratedDuplicateEmails} extra emails tolerated)",
                duplicated.Select(emailed => $"{emailed.RequestId} emailed {emailed.Copies} times"));
        }
        var unexpected = emailsByRequest
            .SelectMany(pair => pair.Value.Where(email => decisions.GetValueOrDefault(pair.Key)?.FirstOrDefault() is not { } decision || decision.EmailKind != email.Kind))
            .Select(email => $"{email.Kind} for {email.RequestId}, {(decisions.ContainsKey(email.RequestId) ? "decided otherwise" : "never decided")}")
            .ToList();
        Violated("emails for no such decision (unexpected)", unexpected);

        var overbooked = state.Slots.Where(slot => slot.Confirmed > slot.Capacity)
            .Select(slot => $"clinic {slot.ClinicId} at {slot.Start:u}: {slot.Confirmed} booked of {slot.Capacity}")
            .ToList();
        Violated("slots holding more bookings than their capacity (overbooked)", overbooked);
        var miscounted = state.Slots.Where(slot => (slot.Counter ?? 0) != slot.Confirmed)
            .Select(slot => $"clinic {slot.ClinicId} at {slot.Start:u}: counter {slot.Counter?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, {slot.Confirmed} confirmed")
            .ToList();
        Violated("slots whose seat counter disagrees with their bookings", miscounted);

        if (state.OutboxWaiting > 0)
        {
            violations.Add($"events never published from the outbox: {state.OutboxWaiting}");
        }

        Violated("events parked in the outbox", state.OutboxParked);
        var unconsumed = state.Queues.Where(queue => queue.Name != new Notifier.IntegrationEvents.DeliveryOptions().ErrorQueueName && queue.Messages > 0).ToList();
        Violated("queues with messages nobody consumed", unconsumed.Select(queue => $"{queue.Name}: {queue.Messages}"));
        Violated("error-queue messages without a recorded reason", state.ErrorQueue
            .Where(message => string.IsNullOrEmpty(message.ExceptionType) || string.IsNullOrEmpty(message.Reason))
            .Select(message => $"'{message.ExceptionType}' '{message.Reason}'"));

        return new FaultReport(
            fault,
            Requests: requests.Count,
            Attempts: requests.Sum(request => request.Attempts.Count),
            AcknowledgedAtOnce: requests.Count(request => request.Attempts[0].IsAcknowledged),
            Retried: requests.Count(request => request.Attempts.Count > 1),
            StillIndeterminate: stillIndeterminate.Count,
            DecidedUnanswered: decidedUnanswered,
            Decisions: state.Decisions.Count,
            Confirmed: state.Decisions.Count(decision => decision.Confirmed),
            Lost: lost.Count,
            UnknownDecisions: unknownDecisions.Count,
            Emails: emailsByRequest.Values.Sum(emails => emails.Count),
            DuplicatedEmails: duplicated.Sum(emailed => emailed.Copies - 1),
            MissingEmails: missing.Count,
            UnexpectedEmails: unexpected.Count,
            OverbookedSlots: overbooked.Count,
            MiscountedSlots: miscounted.Count,
            OutboxWaiting: state.OutboxWaiting,
            OutboxParked: state.OutboxParked,
            UnconsumedMessages: unconsumed.Sum(queue => queue.Messages),
            ErrorQueue: state.ErrorQueue,
            Violations: violations);
    }
}
