-- wrk script: takes in a small case per request, in the group named by $GROUP. Prints the
-- answers and those that were not 2xx, so that the cases stored afterwards can be checked
-- against the 201s.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"tenant":{"name":"Load Test","consent_date":"2026-11-30"},' ..
  '"tenancy":{"jurisdiction":"england"},"group":"' .. (os.getenv("GROUP") or "") .. '"}'
function done(summary, latency, requests)
  io.write(string.format("answers: %d, not 2xx: %d, socket errors: %d\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
