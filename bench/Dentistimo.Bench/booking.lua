-- wrk script: every request is a new booking request (fresh requestId and patient) for one of the slots in SLOTS,
-- a Lua file the benchmark writes: return { { clinic = 1, start = "2026-12-01T08:00:00.0000000+00:00" }, ... }
local slots = dofile(os.getenv("DENTISTIMO_BENCH_SLOTS"))
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("thread_id", thread_id)
end

function init(args)
  math.randomseed(os.time() * 1000 + thread_id)
end

local function uuid()
  return string.format("%08x-%04x-4%03x-%04x-%012x",
    math.random(0, 0xffffffff), math.random(0, 0xffff), math.random(0, 0xfff),
    0x8000 + math.random(0, 0x3fff), math.random(0, 0xffffffffffff))
end

function request()
  counter = counter + 1
  local slot = slots[math.random(1, #slots)]
  local body = string.format(
    '{"requestId":"%s","clinicId":%d,"start":"%s","patient":{"name":"Bench Patient","email":"bench-%d-%d-%d@example.com"},"language":"en"}',
    uuid(), slot.clinic, slot.start, thread_id, counter, math.random(0, 1000000000))
  return wrk.format("POST", "/api/bookings", { ["Content-Type"] = "application/json" }, body)
end
