-- wrk script: diary reads, GET /api/v1/patients/{id}/diary/{date} of days that exist: written by
-- diary_put.lua before, with its index -> (patient, date) mapping, over the indexes THREADS to
-- THREADS + DAYS - 1 (wrk calls request() once before the run and drops it, so diary_put.lua's
-- index 0 was never sent).
--   wrk -t THREADS ... -s bench/wrk/diary_get.lua URL -- TOKEN PATIENT_IDS DAYS THREADS

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

local headers, ids, days, nthreads, me, n
function init(args)
  headers = {["Authorization"] = "Bearer " .. args[1]}
  ids = {}
  for id in string.gmatch(args[2], "[^,]+") do table.insert(ids, id) end
  days = tonumber(args[3])
  nthreads = tonumber(args[4])
  me = tonumber(tid)
  n = 0
end

function request()
  local i = nthreads + (n * nthreads + me) % days
  n = n + 1
  local path = "/api/v1/patients/" .. ids[(i % #ids) + 1] .. "/diary/" .. civil(FIRST_DAY + math.floor(i / #ids))
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("LDN_WRK requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
                         "non2xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
                         summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
                         latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
