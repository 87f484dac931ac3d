-- wrk script for `manage.py loadtest`: each request asks for the next path of a file, one path a line, so a run
-- never repeats a URL until it has used them all. Each of wrk's threads starts at its own line and steps by the
-- number of threads. Threads with an odd number send a cookie (a visitor with a session), if one is given.
--
--   wrk -t2 -c20 -d30s -s paths.lua http://127.0.0.1:8123 -- PATHS_FILE THREADS [COOKIE]
--
-- At the end it prints one line, "WRK-JSON {...}": requests, seconds, errors and latency percentiles in µs.

local threads = {}

function setup(thread)
  thread:set("number", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  count = #paths
  step = tonumber(args[2])
  position = number
  if args[3] and number % 2 == 1 then
    wrk.headers["Cookie"] = args[3]
  end
end

function request()
  local path = paths[(position % #paths) + 1]
  position = position + step
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "seconds": %.3f, "bytes": %d, "paths": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration / 1e6, summary.bytes, threads[1]:get("count"),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
