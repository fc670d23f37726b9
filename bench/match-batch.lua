-- wrk script for `POST /api/v1/match/batch` (see bench/match-batch.sh, which runs it).
--
-- Environment: BODIES (a directory of 0.json, 1.json, ... written by
-- `bench/match-batch.py --write-bodies`), KEY (an API key), BATCH (queries a body, for
-- the queries-a-second figure), URLPATH (default /api/v1/match/batch; a GET path such as
-- /api/v1/match/help sends no body). Each thread cycles through the bodies from its own
-- starting point. `done` prints one JSON line: requests, errors, queries a second and
-- latency percentiles.

local bodies = {}
local path = os.getenv("URLPATH") or "/api/v1/match/batch"
local key = os.getenv("KEY") or ""
local batch = tonumber(os.getenv("BATCH") or "1000")
local next_body = 1
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  if path ~= "/api/v1/match/batch" then
    return
  end
  local dir = os.getenv("BODIES")
  local i = 0
  while true do
    local file = io.open(dir .. "/" .. i .. ".json", "rb")
    if not file then
      break
    end
    bodies[#bodies + 1] = file:read("*a")
    file:close()
    i = i + 1
  end
  if #bodies == 0 then
    error("expected request bodies in BODIES=" .. tostring(dir) .. ", but found none")
  end
  -- Threads start apart, so they do not send the same body at the same time.
  next_body = (id * 7) % #bodies + 1
end

function request()
  local headers = { ["X-API-Key"] = key }
  if #bodies == 0 then
    return wrk.format("GET", path, headers)
  end
  headers["Content-Type"] = "application/json"
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  local per_request = (path == "/api/v1/match/batch") and batch or 1
  io.write(string.format(
    '{"path": "%s", "requests": %d, "errors": %d, "seconds": %.2f, ' ..
    '"requests_per_second": %.1f, "queries_per_second": %.0f, ' ..
    '"latency_ms": {"p50": %.1f, "p90": %.1f, "p99": %.1f, "max": %.1f}, ' ..
    '"response_mb": %.1f}\n',
    path, summary.requests, errors, seconds, summary.requests / seconds,
    summary.requests * per_request / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.bytes / 1e6))
end
