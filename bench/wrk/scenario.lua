-- wrk script of bench/run.sh. Environment:
--   BENCH_BODY          file whose bytes are POSTed as every request's body (GET when unset)
--   BENCH_CONTENT_TYPE  the body's Content-Type
--   BENCH_ACCEPT        an Accept header, when set
-- When wrk finishes, one line "BENCH_JSON {...}" carries the figures bench/suite.py reads
-- (wrk's own latency percentiles, in microseconds).
local path = os.getenv("BENCH_BODY")
if path and path ~= "" then
    local file = assert(io.open(path, "rb"))
    wrk.body = file:read("*a")
    file:close()
    wrk.method = "POST"
    wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") or "application/octet-stream"
end
local accept = os.getenv("BENCH_ACCEPT")
if accept and accept ~= "" then
    wrk.headers["Accept"] = accept
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, ' ..
        '"read_errors": %d, "write_errors": %d, "timeouts": %d, "non2xx": %d, ' ..
        '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
        summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout,
        e.status, latency:percentile(50), latency:percentile(90), latency:percentile(99),
        latency.max, latency.mean))
end
