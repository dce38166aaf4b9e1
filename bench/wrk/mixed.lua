-- wrk script for the soak (scripts/soak): a clinic's mixed traffic as one clinician. Of every 10
-- requests: 7 read a diary day written before (by diary_put.lua's warm-up: indexes THREADS to
-- THREADS + DAYS - 1, as diary_get.lua reads them), 2 write a day never written (indexes from
-- OFFSET up, as diary_put.lua writes them), 1 lists the clinician's patients.
--   wrk -t THREADS ... -s bench/wrk/mixed.lua URL -- TOKEN PATIENT_IDS DAYS OFFSET RUN_ID THREADS

local next_tid = 0
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end

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
              '"sensitivity":5,"stress":4,"note":"soak"}'

local get_headers, put_headers, ids, days, offset, run_id, nthreads, me, n, writes
function init(args)
  get_headers = {["Authorization"] = "Bearer " .. args[1]}
  put_headers = {["Authorization"] = "Bearer " .. args[1], ["Content-Type"] = "application/json"}
  ids = {}
  for id in string.gmatch(args[2], "[^,]+") do table.insert(ids, id) end
  days = tonumber(args[3])
  offset = tonumber(args[4])
  run_id = args[5]
  nthreads = tonumber(args[6])
  me = tonumber(tid)
  n = 0
  writes = 0
end

local function day_path(i)
  return "/api/v1/patients/" .. ids[(i % #ids) + 1] .. "/diary/" .. civil(FIRST_DAY + math.floor(i / #ids))
end

function request()
  n = n + 1
  local k = n % 10
  if k == 3 or k == 7 then
    local i = offset + writes * nthreads + me
    writes = writes + 1
    local body = '{"client_id":"' .. run_id .. "-" .. me .. "-" .. writes .. '","scale_version":2,"items":' .. items .. "}"
    return wrk.format("PUT", day_path(i), put_headers, body)
  elseif k == 9 then
    return wrk.format("GET", "/api/v1/patients", get_headers)
  end
  return wrk.format("GET", day_path(nthreads + (n * nthreads + me) % days), get_headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("LDN_WRK requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
                         "non2xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
                         summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
                         latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
