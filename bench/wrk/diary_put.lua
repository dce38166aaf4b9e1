-- wrk script: durable diary writes. Every request is PUT /api/v1/patients/{id}/diary/{date} of a
-- (patient, date) not written before in the run, with its own client_id: a first write that
-- commits (no replay, no conflict). scripts/bench_http runs it as
--   wrk -t THREADS ... -s bench/wrk/diary_put.lua URL -- TOKEN PATIENT_IDS RUN_ID OFFSET THREADS
-- PATIENT_IDS is comma-separated. Request n of wrk thread t has the index
-- i = OFFSET + n * THREADS + t: patient PATIENT_IDS[i % #ids], date 1901-01-01 + floor(i / #ids)
-- days (a later run on the same database starts at an OFFSET past the indexes written before).
-- Dates stay before 2020-01-01 (the API refuses future dates), so there is room for
-- #ids * 43,000 writes; scripts/bench_http checks that (beyond it dates pass 2020, and then today).

local next_tid = 0
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end

-- Days since 1970-01-01 -> "YYYY-MM-DD" (proleptic Gregorian; H. Hinnant's civil_from_days).
local function civil(z)
  z = z + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return string.format("%04d-%02d-%02d", y, m, d)
end
local FIRST_DAY = -25202  -- 1901-01-01

local items = '{"pain":5,"fatigue":6,"sleep":4,"mood":5,"anxiety":3,"cognition":4,"stiffness":6,' ..
              '"sensitivity":5,"stress":4,"side_effects":[{"name":"vivid_dreams","severity":1}],"note":"bench"}'

local headers, ids, run_id, offset, nthreads, me, n
function init(args)
  headers = {["Authorization"] = "Bearer " .. args[1], ["Content-Type"] = "application/json"}
  ids = {}
  for id in string.gmatch(args[2], "[^,]+") do table.insert(ids, id) end
  run_id = args[3]
  offset = tonumber(args[4])
  nthreads = tonumber(args[5])
  me = tonumber(tid)
  n = 0
end

function request()
  local i = offset + n * nthreads + me
  n = n + 1
  local path = "/api/v1/patients/" .. ids[(i % #ids) + 1] .. "/diary/" .. civil(FIRST_DAY + math.floor(i / #ids))
  local body = '{"client_id":"' .. run_id .. "-" .. me .. "-" .. n .. '","scale_version":2,"items":' .. items .. "}"
  return wrk.format("PUT", path, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("LDN_WRK requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
                         "non2xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
                         summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
                         latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
