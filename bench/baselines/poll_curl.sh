#!/usr/bin/env bash
# Baseline: how teams watch KNIME Server jobs today, with curl in a bash loop and a 1 s poll.
#
# Starts JOBS jobs of WORKFLOW at once (one background loop each): create the job, execute it with
# async=true, read it every second until it is finished, and discard it. Prints one JSON line:
# requests sent, detection latency per job, and CPU time of the shell and every curl it ran.
#
# Usage: bash bench/baselines/poll_curl.sh BASE_URL WORKFLOW JOBS
# BASE_URL is the context root, such as http://127.0.0.1:8080/knime. The workflow path must not need
# URL encoding beyond spaces.
set -euo pipefail

base="${1%/}"
workflow="${2// /%20}"
jobs="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

terminal='EXECUTION_FINISHED|EXECUTION_FAILED|EXECUTION_FAILED_WITH_CONTENT|EXECUTION_CANCELLED|NOT_EXECUTABLE|LOAD_ERROR|DISCARDED|VANISHED'

run_job() {
  local index="$1" count=0 id job state detected finished ok=0
  id="$(curl -sf -X POST "$base/rest/v4/repository$workflow:jobs" | grep -o '"id":"[^"]*"' | head -n1 | cut -d'"' -f4)"
  count=$((count + 1))
  curl -sf -X POST -H 'Content-Type: application/json' -d "{\"name\":\"job-$index\"}" \
    "$base/rest/v4/jobs/$id?async=true" >/dev/null
  count=$((count + 1))
  while true; do
    job="$(curl -sf "$base/rest/v4/jobs/$id")"
    count=$((count + 1))
    state="$(grep -o '"state":"[^"]*"' <<<"$job" | head -n1 | cut -d'"' -f4)"
    if [[ "$state" =~ ^($terminal)$ ]]; then
      detected="$(date +%s%3N)"
      break
    fi
    sleep 1
  done
  finished="$(grep -o '"finishedExecutionAt":"[^"]*"' <<<"$job" | cut -d'"' -f4)"
  if [[ "$state" == EXECUTION_FINISHED && "$job" == *"\"greeting\":\"Hello, job-$index!\""* ]]; then ok=1; fi
  curl -sf -X DELETE "$base/rest/v4/jobs/$id" >/dev/null
  count=$((count + 1))
  echo "$ok $count $((detected - $(date -d "$finished" +%s%3N)))" >"$work/$index"
}

started="$(date +%s%3N)"
for ((index = 0; index < jobs; index++)); do run_job "$index" & done
wait
wall=$(($(date +%s%3N) - started))

succeeded=0 requests=0 latencies=""
for ((index = 0; index < jobs; index++)); do
  read -r ok count latency <"$work/$index"
  succeeded=$((succeeded + ok))
  requests=$((requests + count))
  latencies="$latencies${latencies:+,}$latency"
done

# `times` prints the user and system time of this shell, then of all its waited-for children. It
# must run in this shell, not in a command substitution, whose subshell has its own counters.
times >"$work/times"
cpu_ms="$(awk '{ for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); total += (t[1] * 60 + t[2]) * 1000 } } END { printf "%d", total }' "$work/times")"
printf '{"jobs":%d,"succeeded":%d,"requests":%d,"latenciesMs":[%s],"wallMs":%d,"cpuTotalMs":%d}\n' \
  "$jobs" "$succeeded" "$requests" "$latencies" "$wall" "$cpu_ms"
