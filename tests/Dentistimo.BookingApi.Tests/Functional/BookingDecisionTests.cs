using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dentistimo.BookingApi.Infrastructure;
using Dentistimo.Contracts;
using Dentistimo.Contracts.Api;
using Dentistimo.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;

namespace Dentistimo.BookingApi.Tests.Functional;

/// <summary>Booking decisions against real PostgreSQL, Redis and RabbitMQ: capacity, idempotency and one event per decision.</summary>
public sealed class BookingDecisionTests(IsolatedResources resources) : BookingApiWithEventsTests(resources)
{
    private const int YourDentist = 1; // three dentists: capacity 3
    private const int AnotherClinic = 2;

    [Fact]
    public async Task Hundreds_of_concurrent_requests_for_one_slot_confirm_exactly_its_capacity()
    {
        const int requests = 300;
        var (date, start) = await Driver.FindBookableSlotAsync(YourDentist);
        var requestIds = Enumerable.Range(0, requests).Select(_ => Guid.NewGuid()).ToList();

        var answers = await Task.WhenAll(requestIds.Select(id =>
            Driver.PostBookingAsync(BookingApiDriver.BookingRequest(id, YourDentist, start, BookingApiDriver.NewPatientEmail()))));

        Assert.Equal(3, answers.Count(a => a.Status == 201));
        Assert.Equal(requests - 3, answers.Count(a => a.Status == 409));
        Assert.All(answers.Where(a => a.Status == 409), a => Assert.Equal("fully-booked", (string?)a.Body["reasonCode"]));

        var slot = await Driver.GetSlotAsync(YourDentist, date, start);
        Assert.Equal(3, (int)slot["booked"]!);
        Assert.Equal("full", (string)slot["state"]!);

        // Exactly one decision per request in the database, and exactly one event per decision on RabbitMQ.
        Assert.Equal(requests, await CountAsync("SELECT count(*) FROM booking_requests WHERE request_id = ANY(@ids)", requestIds));
        var ours = requestIds.ToHashSet();
        await Events.WaitForAsync(e => e.Confirmed.Count(c => ours.Contains(c.Event.RequestId)) + e.Rejected.Count(r => ours.Contains(r.Event.RequestId)) >= requests, TimeSpan.FromSeconds(60));
        var confirmed = Events.Confirmed.Where(c => ours.Contains(c.Event.RequestId)).ToList();
        var rejected = Events.Rejected.Where(r => ours.Contains(r.Event.RequestId)).ToList();
        Assert.Equal(3, confirmed.Count);
        Assert.Equal(requests - 3, rejected.Count);
        Assert.Equal(requestIds.Order(), confirmed.Select(e => e.Event.RequestId).Concat(rejected.Select(e => e.Event.RequestId)).Order());
        Assert.Equal(3, Events.AvailabilityChanged.Count(e => e.Event.StartUtc == start));
        Assert.Equal(3, Events.AvailabilityChanged.Where(e => e.Event.StartUtc == start).Max(e => e.Event.Booked));
    }

    [Fact]
    public async Task A_booking_shows_at_once_in_its_day_although_the_day_is_cached()
    {
        var (date, start) = await Driver.FindBookableSlotAsync(AnotherClinic, daysAhead: 8);
        Assert.Equal(0, (int)(await Driver.GetSlotAsync(AnotherClinic, date, start))["booked"]!); // now cached, seats and answer

        var (status, _) = await Driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), AnotherClinic, start, BookingApiDriver.NewPatientEmail()));

        Assert.Equal(201, status);
        Assert.Equal(1, (int)(await Driver.GetSlotAsync(AnotherClinic, date, start))["booked"]!);
    }

    [Fact]
    public async Task The_range_tells_a_day_with_full_slots_from_a_day_with_none_left_to_book()
    {
        var (date, start) = await Driver.FindBookableSlotAsync(AnotherClinic, daysAhead: 15);
        var (status, _) = await Driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), AnotherClinic, start, BookingApiDriver.NewPatientEmail()));
        Assert.Equal(201, status);
        // The 91st date from today is the first beyond the 90-day window: its slots exist but none can be booked.
        var beyond = ClinicTime.LocalDate(DateTimeOffset.UtcNow).AddDays(90);

        var booked = await DaySummaryAsync(date);
        var unbookable = await DaySummaryAsync(beyond);

        Assert.Equal(1, (int)booked["fullSlots"]!);
        Assert.Equal((int)booked["totalSlots"]! - 1, (int)booked["freeSlots"]!);
        Assert.Equal(0, (int)unbookable["freeSlots"]!);
        Assert.Equal(0, (int)unbookable["fullSlots"]!);

        async Task<JsonObject> DaySummaryAsync(DateOnly day) =>
            (await Driver.Http.GetFromJsonAsync<JsonObject>($"/api/availability?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}"))!["clinics"]!.AsArray()
                .Single(clinic => (int)clinic!["clinicId"]! == AnotherClinic)!["days"]![0]!.AsObject();
    }

    [Fact]
    public async Task Replaying_a_request_id_returns_the_same_answer_and_books_nothing_more()
    {
        var (date, start) = await Driver.FindBookableSlotAsync(YourDentist, daysAhead: 3);
        var request = BookingApiDriver.BookingRequest(Guid.NewGuid(), YourDentist, start, BookingApiDriver.NewPatientEmail());

        var first = await Driver.PostBookingAsync(request);
        var replays = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Driver.PostBookingAsync(request)));

        Assert.Equal(201, first.Status);
        Assert.All(replays, replay =>
        {
            Assert.Equal(201, replay.Status);
            Assert.Equal((string?)first.Body["id"], (string?)replay.Body["id"]);
            Assert.Equal((string?)first.Body["reference"], (string?)replay.Body["reference"]);
            // The key to change the booking went with the first answer only.
            Assert.Null(replay.Body["manageToken"]);
        });
        Assert.NotNull(first.Body["manageToken"]);
        Assert.Equal(1, (int)(await Driver.GetSlotAsync(YourDentist, date, start))["booked"]!);

        var requestId = Guid.Parse((string)first.Body["requestId"]!);
        await Events.WaitForAsync(e => e.Confirmed.Any(c => c.Event.RequestId == requestId), TimeSpan.FromSeconds(30));
        Assert.Single(Events.Confirmed, c => c.Event.RequestId == requestId);

        var booking = await Driver.Http.GetFromJsonAsync<JsonObject>($"/api/bookings/{first.Body["id"]}");
        Assert.Equal("confirmed", (string?)booking!["status"]);
        Assert.Null(booking["patient"]);
    }

    [Fact]
    public async Task A_request_id_reused_for_another_booking_is_refused()
    {
        var (_, start) = await Driver.FindBookableSlotAsync(YourDentist, daysAhead: 4);
        var requestId = Guid.NewGuid();
        await Driver.PostBookingAsync(BookingApiDriver.BookingRequest(requestId, YourDentist, start, BookingApiDriver.NewPatientEmail()));

        var reused = await Driver.PostBookingAsync(BookingApiDriver.BookingRequest(requestId, YourDentist, start.AddMinutes(30), BookingApiDriver.NewPatientEmail()));

        Assert.Equal(422, reused.Status);
    }

    [Fact]
    public async Task A_patient_cannot_hold_two_appointments_at_the_same_time()
    {
        var (_, start) = await Driver.FindBookableSlotAsync(YourDentist, daysAhead: 5);
        var email = BookingApiDriver.NewPatientEmail();
        var first = await Driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), YourDentist, start, email));

        var second = await Driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), YourDentist, start, email.ToUpperInvariant()));

        Assert.Equal(201, first.Status);
        Assert.Equal(409, second.Status);
        Assert.Equal("patient-already-booked", (string?)second.Body["reasonCode"]);
        // The database finds the second appointment by its unique key, which holds the email address; the server's log
        // must not quote it.
        Assert.DoesNotContain(email.Split('@')[0], await Resources.Servers.Postgres.LogAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task One_address_in_any_spelling_holds_at_most_two_upcoming_appointments_across_clinics()
    {
        var mailbox = $"limit-{Guid.NewGuid():N}";
        var (_, first) = await Driver.FindBookableSlotAsync(YourDentist, daysAhead: 30);
        var (_, second) = await Driver.FindBookableSlotAsync(AnotherClinic, daysAhead: 31);
        var (thirdDate, third) = await Driver.FindBookableSlotAsync(YourDentist, daysAhead: 32);

        var answers = new List<(int Status, JsonObject Body)>();
        foreach (var (clinic, start, email) in new[]
                 {
                     (YourDentist, first, $"{mailbox}@tandläkare.se"),
                     (AnotherClinic, second, $"{mailbox.ToUpperInvariant()}@XN--TANDLKARE-Z2A.SE"),
                     (YourDentist, third, $"{mailbox}@Tandläkare.se"),
                 })
        {
            answers.Add(await Driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), clinic, start, email)));
        }

        Assert.Equal([201, 201, 409], answers.Select(answer => answer.Status));
        Assert.Equal(RejectionCodes.PatientLimitReached, (string?)answers[2].Body["reasonCode"]);
        // The seat the third request took for a moment is free again.
        Assert.Equal(0, (int)(await Driver.GetSlotAsync(YourDentist, thirdDate, third))["booked"]!);
        var rejectedId = Guid.Parse((string)answers[2].Body["booking"]!["requestId"]!);
        await Events.WaitForAsync(e => e.Rejected.Any(r => r.Event.RequestId == rejectedId), TimeSpan.FromSeconds(30));
        Assert.Equal(RejectionCodes.PatientLimitReached, Events.Rejected.Single(r => r.Event.RequestId == rejectedId).Event.ReasonCode);
        Assert.DoesNotContain(Events.AvailabilityChanged, e => e.Event.StartUtc == third);
    }

    [Fact]
    public async Task Concurrent_requests_from_one_address_never_confirm_more_than_its_limit()
    {
        const int requests = 24;
        var email = BookingApiDriver.NewPatientEmail();
        var starts = new List<(int Clinic, DateTimeOffset Start)>();
        foreach (var (clinic, daysAhead) in new[] { (YourDentist, 40), (AnotherClinic, 47), (YourDentist, 54) })
        {
            var (date, _) = await Driver.FindBookableSlotAsync(clinic, daysAhead);
            starts.AddRange((await Driver.AvailableStartsAsync(clinic, date)).Take(requests / 3).Select(start => (clinic, start)));
        }

        // Each at a time of its own: two clinics' days can fall on one date, and one address at one time twice is the
        // other rule (patient-already-booked).
        starts = starts.DistinctBy(slot => slot.Start).ToList();
        Assert.True(starts.Count > requests / 2, $"Only {starts.Count} distinct times were free.");
        var requestIds = starts.Select(_ => Guid.NewGuid()).ToList();
        var answers = await Task.WhenAll(starts.Select((slot, i) =>
            Driver.PostBookingAsync(BookingApiDriver.BookingRequest(requestIds[i], slot.Clinic, slot.Start, i % 2 == 0 ? email : email.ToUpperInvariant()))));

        Assert.Equal(starts.Count, answers.Length);
        Assert.Equal(2, answers.Count(answer => answer.Status == 201));
        Assert.All(answers.Where(answer => answer.Status != 201), answer => Assert.Equal(RejectionCodes.PatientLimitReached, (string?)answer.Body["reasonCode"]));
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM booking_requests WHERE request_id = ANY(@ids) AND status = 'confirmed'", requestIds));
        Assert.Equal(2, await CountAsync(
            "SELECT sum(booked) FROM slot_bookings WHERE (clinic_id, start_utc) IN (SELECT clinic_id, start_utc FROM booking_requests WHERE request_id = ANY(@ids))",
            requestIds));
    }

    [Fact]
    public async Task A_patient_whose_appointments_have_started_may_book_again()
    {
        var email = BookingApiDriver.NewPatientEmail();
        var (_, start) = await Driver.FindBookableSlotAsync(AnotherClinic, daysAhead: 45);
        // Two appointments already started, as an earlier day left them.
        await CountAsync($"""
            WITH earlier AS (
                INSERT INTO patient_appointments (patient_email, upcoming_starts, max_upcoming)
                VALUES ('{email}', ARRAY[now() - interval '2 days', now() - interval '1 hour'], 2) RETURNING 1)
            SELECT count(*) FROM earlier
            """);

        var answer = await Driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), AnotherClinic, start, email));

        Assert.Equal(201, answer.Status);
    }

    [Theory]
    [InlineData("2020-01-07T09:00:00+01:00", "outside-booking-window")]
    [InlineData("2099-01-05T09:00:00+01:00", "outside-booking-window")]
    public async Task Times_outside_the_booking_window_are_rejected_with_their_reason(string start, string reasonCode)
    {
        var answer = await Driver.PostBookingAsync(new
        {
            requestId = Guid.NewGuid(), clinicId = YourDentist, start,
            patient = new { name = "Test Patient", email = BookingApiDriver.NewPatientEmail() }, language = "sv",
        });

        Assert.Equal(409, answer.Status);
        Assert.Equal(reasonCode, (string?)answer.Body["reasonCode"]);
        Assert.Equal("rejected", (string?)answer.Body["booking"]!["status"]);
    }

    [Fact]
    public async Task Times_that_are_no_slot_are_rejected_as_no_such_slot()
    {
        var (_, start) = await Driver.FindBookableSlotAsync(YourDentist, daysAhead: 6);
        var quarterPast = start.AddMinutes(15);
        var answer = await Driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), YourDentist, quarterPast, BookingApiDriver.NewPatientEmail()));

        Assert.Equal(409, answer.Status);
        Assert.Equal("no-such-slot", (string?)answer.Body["reasonCode"]);
    }

    [Fact]
    public async Task Every_invalid_field_gets_its_own_error()
    {
        var answer = await Driver.PostBookingAsync(new
        {
            requestId = "not-a-uuid", clinicId = 0, start = "tomorrow at nine",
            patient = new { name = "<script>", email = "not an email", phone = "12" }, language = "de",
        });

        Assert.Equal(400, answer.Status);
        var errors = answer.Body["errors"]!.AsObject();
        Assert.Equal(
            new[] { "clinicId", "language", "patient.email", "patient.name", "patient.phone", "requestId", "start" },
            errors.Select(e => e.Key).Order().ToArray());
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM booking_requests WHERE patient_name = '<script>'"));
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_names_its_field()
    {
        using var response = await Driver.Http.PostAsync("/api/bookings",
            new StringContent("""{"requestId":"3f2c9a4e-5b1d-4c7e-9a0b-2d6f8e1c4b7a","clinicId":"one"}""", System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(body!["errors"]!.AsObject().ContainsKey("clinicId"));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("")]
    public async Task Missing_fields_are_named_even_when_the_whole_body_is(string body)
    {
        using var response = await Driver.Http.PostAsync("/api/bookings", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            new[] { "clinicId", "language", "patient.email", "patient.name", "requestId", "start" },
            problem!["errors"]!.AsObject().Select(e => e.Key).Order().ToArray());
    }

    [Fact]
    public async Task An_oversized_body_is_refused_by_the_server()
    {
        // The body size limit is Kestrel's to enforce; the in-memory test server has none.
        await using var api = new BookingApiFactory(Resources);
        using var http = new HttpClient { BaseAddress = await api.StartedOnKestrelAsync() };

        using var oversized = await http.PostAsync("/api/bookings",
            new StringContent("{\"patient\":{\"name\":\"" + new string('a', 10_000) + "\"}}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(413, (int)oversized.StatusCode);
    }

    [Theory]
    [InlineData("/api/clinics")]
    [InlineData("/api/clinics/1/availability?date={next week}")]
    [InlineData("/api/availability?from={next week}&to={next week}")]
    [InlineData("/api/booking-window")]
    [InlineData("/openapi/v1.json")]
    public async Task HEAD_answers_as_GET_without_the_body(string address)
    {
        address = address.Replace("{next week}", $"{DateTime.UtcNow.AddDays(7):yyyy-MM-dd}");
        // Leaving out the body is Kestrel's part; the in-memory test server has none.
        await using var api = new BookingApiFactory(Resources);
        using var http = new HttpClient { BaseAddress = await api.StartedOnKestrelAsync() };

        // HEAD first: an answer the output cache keeps from it is whole for the GET after it.
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, address));
        using var get = await http.GetAsync(address);

        Assert.Equal(200, (int)head.StatusCode);
        Assert.Equal(200, (int)get.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.NotNull(JsonNode.Parse(await get.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task HEAD_of_a_booking_that_does_not_exist_is_404_and_the_OpenAPI_document_has_no_HEAD_operations()
    {
        using var head = await Driver.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/bookings/{Guid.NewGuid()}"));
        var document = await Driver.Http.GetStringAsync("/openapi/v1.json");

        Assert.Equal(404, (int)head.StatusCode);
        Assert.DoesNotContain("\"head\"", document);
    }

    [Fact]
    public async Task Unknown_clinics_and_bookings_and_bad_dates_get_problem_details()
    {
        using var unknownClinic = await Driver.Http.GetAsync("/api/clinics/99/availability?date=2026-12-01");
        using var unknownBooking = await Driver.Http.GetAsync($"/api/bookings/{Guid.NewGuid()}");
        using var badDate = await Driver.Http.GetAsync("/api/clinics/1/availability?date=1%20Dec");
        using var backwards = await Driver.Http.GetAsync("/api/availability?from=2026-12-10&to=2026-12-01");

        Assert.Equal(404, (int)unknownClinic.StatusCode);
        Assert.Equal(404, (int)unknownBooking.StatusCode);
        Assert.Equal("application/problem+json", unknownBooking.Content.Headers.ContentType?.MediaType);
        Assert.Equal("No such booking", (string?)(await unknownBooking.Content.ReadFromJsonAsync<JsonObject>())!["title"]);
        Assert.Equal(400, (int)badDate.StatusCode);
        Assert.True((await badDate.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey("date"));
        Assert.Equal(400, (int)backwards.StatusCode);
        Assert.True((await backwards.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey("to"));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_dates_and_the_booking_body_as_required_and_every_answer_a_booking_can_get()
    {
        var document = await Driver.Http.GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var paths = document!["paths"]!;
        var dayParameters = paths["/api/clinics/{clinicId}/availability"]!["get"]!["parameters"]!.AsArray();
        var rangeParameters = paths["/api/availability"]!["get"]!["parameters"]!.AsArray();
        foreach (var date in dayParameters.Concat(rangeParameters).Where(parameter => (string?)parameter!["in"] == "query"))
        {
            Assert.True((bool?)date!["required"], $"{date["name"]} is not marked required");
            Assert.Equal("date", (string?)date["schema"]!["format"]);
        }

        Assert.Equal(["date", "from", "to"], dayParameters.Concat(rangeParameters)
            .Where(parameter => (string?)parameter!["in"] == "query").Select(parameter => (string)parameter!["name"]!));
        Assert.Equal(["201", "400", "409", "413", "415", "422", "429"],
            paths["/api/bookings"]!["post"]!["responses"]!.AsObject().Select(response => response.Key));
        Assert.True((bool?)paths["/api/bookings"]!["post"]!["requestBody"]!["required"]);
    }

    [Theory]
    [InlineData("EventFromANewerVersion", "{}", "unknown message type 'EventFromANewerVersion'")]
    [InlineData("BookingConfirmed", "null", "body is not a valid BookingConfirmed (InvalidOperationException)")]
    [InlineData("BookingConfirmed", "{}", "body is not a valid BookingConfirmed (at $)")]
    [InlineData("BookingRejected", "{\"requestId\": 7}", "body is not a valid BookingRejected (at $.requestId)")]
    public async Task An_outbox_message_that_cannot_be_read_is_parked_and_the_messages_behind_it_still_go_out(string type, string body, string problem)
    {
        var poisonId = Guid.NewGuid();
        await CountAsync($"""
            WITH poison AS (
                INSERT INTO outbox_messages (message_id, message_type, body, created_at)
                VALUES ('{poisonId}', '{type}', '{body}', now()) RETURNING 1)
            SELECT count(*) FROM poison
            """);
        var (_, start) = await Driver.FindBookableSlotAsync(YourDentist, daysAhead: 7);
        var requestId = Guid.NewGuid();

        var answer = await Driver.PostBookingAsync(BookingApiDriver.BookingRequest(requestId, YourDentist, start, BookingApiDriver.NewPatientEmail()));

        Assert.Equal(201, answer.Status);
        await Events.WaitForAsync(e => e.Confirmed.Any(c => c.Event.RequestId == requestId), TimeSpan.FromSeconds(30));
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM outbox_messages WHERE message_id = '{poisonId}' AND parked_because = '{problem.Replace("'", "''")}'"));
    }

    [Fact]
    public async Task A_day_read_before_a_booking_and_cached_after_it_is_not_served_stale()
    {
        var (date, start) = await Driver.FindBookableSlotAsync(AnotherClinic, daysAhead: 12);
        var cache = Api.Services.GetRequiredService<AvailabilityCache>();
        var redis = Api.Services.GetRequiredService<IConnectionMultiplexer>();
        await Eventually.TrueAsync(() => redis.IsConnected, TimeSpan.FromSeconds(30), "BookingApi to connect to Redis");
        var readFrom = cache.Changes;
        Assert.Equal(201, (await Driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), AnotherClinic, start, BookingApiDriver.NewPatientEmail()))).Status);

        // Another replica read the day from PostgreSQL just before that booking committed, and caches it only now.
        cache.Set(AnotherClinic, date, BookedSeats.None, readFrom);

        var cached = await redis.GetDatabase().StringGetAsync(cache.Key(AnotherClinic, date));
        Assert.NotEqual("{}", (string?)cached);
        Assert.Equal(1, (int)(await Driver.GetSlotAsync(AnotherClinic, date, start))["booked"]!);
    }

    /// <summary>
    /// The output cache stores a rendered day after the client already has it, so a booking made at once can commit
    /// before the day it followed is stored. Repeated, since each round gives that race one chance.
    /// </summary>
    [Fact]
    public async Task A_day_read_on_this_replica_right_after_a_booking_shows_it()
    {
        var (date, _) = await Driver.FindBookableSlotAsync(YourDentist, daysAhead: 20);
        for (var round = 0; round < 20; round++)
        {
            var slot = (await Driver.GetDayAsync(YourDentist, date))["slots"]!.AsArray().First(s => (int)s!["free"]! > 0)!;
            var start = DateTimeOffset.Parse((string)slot["start"]!);

            var answer = await Driver.PostBookingAsync(BookingApiDriver.BookingRequest(Guid.NewGuid(), YourDentist, start, BookingApiDriver.NewPatientEmail()));

            Assert.Equal(201, answer.Status);
            Assert.Equal((int)slot["booked"]! + 1, (int)(await Driver.GetSlotAsync(YourDentist, date, start))["booked"]!);
        }
    }

    /// <summary>
    /// On tables of a few pages a sequential scan is the cheapest plan, and a connection keeps the plans it made for
    /// decide_bookings while the tables grow: each decision would then read every slot and request (decide_bookings.sql
    /// says why). So decisions on a database the tests have barely filled, once analysed, must use keys only.
    /// </summary>
    [Fact]
    public async Task Decisions_find_their_rows_by_key_even_while_the_tables_are_small()
    {
        // A connection of its own: a pooled one may still hold the scan counts of other tests' queries, which PostgreSQL
        // reports with this transaction's until the backend sends them on.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Resources.BookingDb) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(); // rolled back: the slot stays free
        // As autovacuum leaves them: statistics that say each table is a page or two.
        await using (var analyze = new NpgsqlCommand("ANALYZE slot_bookings, booking_requests, outbox_messages, patient_appointments", connection, transaction))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        // A slot of capacity 3, four times: its first seat, two more from its counter, then fully booked.
        for (var request = 0; request < 4; request++)
        {
            await using var decide = new NpgsqlCommand("""
                SELECT decide_bookings(
                    ARRAY[gen_random_uuid()], ARRAY[gen_random_uuid()], ARRAY['fingerprint'], ARRAY[1], ARRAY[timestamptz '2099-01-05 08:00Z'],
                    ARRAY[3], ARRAY[2], ARRAY['DT-' || upper(left(md5(random()::text), 8))], ARRAY['Key Patient'],
                    ARRAY['key-' || gen_random_uuid() || '@example.com'], ARRAY[NULL::text], ARRAY['en'], ARRAY[now()],
                    ARRAY[gen_random_uuid()], ARRAY['BookingConfirmed'], ARRAY['{}'], ARRAY['BookingRejected'], ARRAY['{}'],
                    ARRAY[gen_random_uuid()], ARRAY['{"capacity": 0, "booked": 0}'])
                """, connection, transaction);
            Assert.Equal(request < 3 ? null : "fully-booked", ((string?[])(await decide.ExecuteScalarAsync())!)[0]);
        }

        await using var scans = new NpgsqlCommand(
            "SELECT relname, seq_scan FROM pg_stat_xact_user_tables WHERE relname IN ('slot_bookings', 'booking_requests', 'outbox_messages', 'patient_appointments')",
            connection, transaction);
        await using var reader = await scans.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            Assert.True(reader.GetInt64(1) == 0, $"{reader.GetString(0)} was read whole {reader.GetInt64(1)} times");
        }
    }

    private async Task<long> CountAsync(string sql, IReadOnlyList<Guid>? ids = null)
    {
        await using var connection = new NpgsqlConnection(Resources.BookingDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (ids is not null)
        {
            command.Parameters.AddWithValue("ids", ids.ToArray());
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }
}
