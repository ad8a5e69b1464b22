#!/usr/bin/env bash
# The benchmark: Redis's own ceiling (redis-benchmark EVALSHA of an equivalent token-bucket script),
# then the service on the in-memory store and on Redis, each under three workloads, driven from
# outside the service's process over a few HTTP/2 connections as Envoy would. The driver is
# `loadgen bench` (reads every answer; its rows say GrpcLoad); h2load adds one hot-key row per store as the
# cheapest client there is, to show whether the driver or the service sets the pace. Per store it
# also runs a low rate, a cold start, bursts and 80% of max throughput, and every row has the
# service's (and redis-server's) CPU per decision from /proc/PID/stat. The latency rows of a fresh
# replica (cold start: three on Redis, one in memory) and at 10 calls/s are driven by h2load, a C
# client, so that no client JVM's own warm-up is in them. Every call carries Envoy's
# default 20 ms deadline, as Envoy sends it. It prints figures and ratios from this one run and
# writes them to --json FILE; it is not a test and asserts nothing. Then the rows through the real
# Envoy (scripts/bench/through-envoy.sh): the latency the ratelimit filter adds to a caller's call,
# written to FILE's name with -envoy before .json. --only stores or --only envoy runs one half.
#
# usage: scripts/bench.sh [--duration SECONDS] [--out DIR] [--json FILE] [--only stores|envoy]
#        (env BENCH_REDIS_PORT, BENCH_GRPC_PORT, BENCH_HTTP_PORT: 16399, 18181, 18180 by default)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION=10
OUT="$ROOT/target/bench"
JSON=""
ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --json) JSON="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    *) echo "usage: scripts/bench.sh [--duration SECONDS] [--out DIR] [--json FILE] [--only stores|envoy]" >&2; exit 2 ;;
  esac
done
case "$ONLY" in
  ""|stores|envoy) ;;
  *) echo "bench: --only takes stores or envoy, not '$ONLY'" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"

BENCH_NAME=bench
# shellcheck source=scripts/bench/jars.sh
. "$ROOT/scripts/bench/jars.sh"
# Ports can move aside when another run holds them.
REDIS_PORT="${BENCH_REDIS_PORT:-16399}"
GRPC_PORT="${BENCH_GRPC_PORT:-18181}"
HTTP_PORT="${BENCH_HTTP_PORT:-18180}"
PIDS=()
# One benchmark at a time on this machine: two would share the fixed ports and each other's CPU.
exec 9>"${TMPDIR:-/tmp}/ratelimit-bench.lock"
flock -n 9 || { echo "bench: another benchmark is running on this machine; wait for it to end" >&2; exit 1; }
export RATELIMIT_BENCH_LOCKED=1 # through-envoy.sh runs under this lock

through_envoy() {
  local json=()
  [ -z "$JSON" ] || json=(--json "${JSON%.json}-envoy.json")
  "$ROOT/scripts/bench/through-envoy.sh" --duration "$DURATION" --out "$OUT/envoy" "${json[@]}"
}
if [ "$ONLY" = envoy ]; then
  through_envoy
  exit
fi

# A service left listening on these ports would answer in place of the one under test.
for port in "$GRPC_PORT" "$HTTP_PORT" "$REDIS_PORT"; do
  if { exec {probe}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
    exec {probe}>&-
    echo "bench: 127.0.0.1:$port is already in use; move the benchmark with BENCH_GRPC_PORT, BENCH_HTTP_PORT and BENCH_REDIS_PORT" >&2
    exit 1
  fi
done

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

say() { printf '==> %s\n' "$*" >&2; }

command -v h2load >/dev/null || { echo "bench: h2load is missing (apt-get install nghttp2-client)" >&2; exit 1; }
# The load driver's name in the table and the JSON, as it was when the driver was a script of its
# own, so that old and new results read alike.
DRIVER=GrpcLoad
grpc_load() { # loadgen bench flags...
  java -jar "$LOADGEN_JAR" bench "$@"
}
HOT_FRAME="$OUT/hot.bin"
grpc_load --workload hot --write-frame "$HOT_FRAME"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --logfile "$OUT/redis.log" >/dev/null
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

commands_total() {
  redis-cli -p "$REDIS_PORT" info commandstats \
    | awk -F'[:=,]' '/^cmdstat_/ && $1 !~ /cmdstat_(info|config|ping|script|flushall)/ { n += $3 } END { print n + 0 }'
}

record() { # store workload mode driver json [redis-commands]
  node -e 'const [s, w, m, d, j, c] = process.argv.slice(1); const r = JSON.parse(j);
           Object.assign(r, { store: s, workload: w, mode: m, driver: d }); if (c) r.redis_commands = Number(c);
           console.log(JSON.stringify(r));' \
    "$1" "$2" "$3" "$4" "$5" "${6:-}" >> "$RESULTS"
}
cpu_ticks() { # PID: utime + stime in clock ticks (fields 14 and 15 of /proc/PID/stat)
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
REDIS_PID="$(redis-cli -p "$REDIS_PORT" info server | tr -d '\r' | awk -F: '$1 == "process_id" { print $2 }')"

# --- 1. the ceiling: one decision per EVALSHA, 50 clients, no pipelining -------------------------
SHA="$(redis-cli -p "$REDIS_PORT" script load "$(cat "$ROOT/scripts/bench/ceiling.lua")")"
for workload in hot keys10k; do
  key="bench:hot"; rand=()
  if [ "$workload" = keys10k ]; then key="bench:__rand_int__"; rand=(-r 10000); fi
  say "ceiling: redis-benchmark EVALSHA ($workload)"
  # -q redraws its progress with carriage returns; the final figure is the last one printed.
  ticks_before="$(cpu_ticks "$REDIS_PID")"
  rps="$(redis-benchmark -p "$REDIS_PORT" -c 50 -n 300000 -q "${rand[@]}" evalsha "$SHA" 1 "$key" 1 1000000000 \
    | tr '\r' '\n' | grep 'requests per second' | tail -1 | sed -E 's/.* ([0-9]+(\.[0-9]+)?) requests per second.*/\1/')"
  ticks="$(( $(cpu_ticks "$REDIS_PID") - ticks_before ))"
  record ceiling "$workload" max redis-benchmark "{\"rps\": ${rps:-0}, \"decisions\": 300000, \"redis_cpu_ticks\": $ticks}"
done
redis-cli -p "$REDIS_PORT" flushall >/dev/null

# --- 2. the service, on each store ---------------------------------------------------------------
# Replicas start as the demo starts them: from the JDK 25 AOT cache when a JDK 25 is found (recorded
# once per build, on Redis, the product path), else on the default java, as the summary says.
AOT_CACHE="$OUT/ratelimit-service.aot"
AOT_JAVA="$("$ROOT/scripts/aot-cache.sh" "$JAR" "$AOT_CACHE" "$ROOT/scripts/bench/limits.yaml" --redis-url "redis://127.0.0.1:$REDIS_PORT")"
if [ -n "$AOT_JAVA" ]; then
  SERVICE_JAVA=("$AOT_JAVA" -XX:AOTCache="$AOT_CACHE")
else
  SERVICE_JAVA=(java)
fi
say "service JVM: ${SERVICE_JAVA[*]}"
echo "{\"service_java\": \"${SERVICE_JAVA[*]}\"}" > "$OUT/service-java.json"
redis-cli -p "$REDIS_PORT" flushall >/dev/null

start_service() { # extra args...
  STARTED_MS="$(date +%s%3N)"
  "${SERVICE_JAVA[@]}" -XX:+UseParallelGC -jar "$JAR" --config "$ROOT/scripts/bench/limits.yaml" --host 127.0.0.1 \
    --grpc-port "$GRPC_PORT" --http-port "$HTTP_PORT" --over-limit-cache-size 0 "$@" > "$OUT/service-$STORE.log" 2>&1 &
  PIDS+=("$!")
  SERVICE_PID="$!"
}

await_service() {
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$HTTP_PORT/healthcheck" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench: the service did not start; see $OUT/service-$STORE.log" >&2
  exit 1
}

stop_service() {
  kill "${PIDS[-1]}" 2>/dev/null || true
  wait "${PIDS[-1]}" 2>/dev/null || true
  unset 'PIDS[-1]'
}

# Every call carries Envoy's default filter timeout as its deadline, and the service's and Redis's
# CPU is read over the counted part of each run.
measured() { # loadgen bench flags...
  local redis=()
  [ "$STORE" = memory ] || redis=(--redis-pid "$REDIS_PID")
  grpc_load --target "127.0.0.1:$GRPC_PORT" --deadline 20ms --service-pid "$SERVICE_PID" "${redis[@]}" "$@"
}

drive() { # workload [rate]
  measured --workload "$1" --connections 4 --inflight 32 --duration "${DURATION}s" --warmup 2s --rate "${2:-0}"
}

# h2load sends the same body on every call and reads no grpc-status, so it gives calls/s (HTTP/2
# errors only) and a mean latency; that is all this row claims.
drive_h2load_hot() {
  h2load -D "$DURATION" --warm-up-time 2 -c 4 -m 32 -t 1 -d "$HOT_FRAME" \
    -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://127.0.0.1:$GRPC_PORT/envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit" \
  | awk -v seconds="$DURATION" '
      function ms(t) { if (t ~ /us$/) return t / 1000; if (t ~ /ms$/) return t + 0; return t * 1000 }
      /^finished in/ { rps = $4 + 0 }
      /^requests:/ { done = $6; succeeded = $8 }
      /^time for request:/ { mean = ms($6) }
      END { printf "{\"sent\": %d, \"errors\": %d, \"seconds\": %s, \"rps\": %d, \"mean_ms\": %.3f}\n",
                   done, done - succeeded, seconds, rps, mean }'
}

service_args() {
  if [ "$STORE" = redis ]; then echo "--redis-url redis://127.0.0.1:$REDIS_PORT"; fi
}

# --- latency rows from a C client: h2load's per-call log (start us, HTTP status, us to the end) ---
RLS_URL="http://127.0.0.1:$GRPC_PORT/envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit"
# Calls at a fixed rate, each at its own time offset, so a stalled call does not hold back the next.
timing_script() { # FILE CALLS INTERVAL_MS
  awk -v n="$2" -v every="$3" -v url="$RLS_URL" 'BEGIN { for (i = 0; i < n; i++) printf "%d.000\t%s\n", i * every, url }' > "$1"
}
# h2load on one connection, Envoy's 20 ms filter timeout as every call's grpc-timeout.
h2load_calls() { # LOG h2load-flags...
  local log="$1"; shift
  rm -f "$log" # h2load appends to its log
  h2load -c 1 -m 100 -t 1 -d "$HOT_FRAME" -H 'content-type: application/grpc' -H 'te: trailers' \
    -H 'grpc-timeout: 20m' --log-file "$log" "$@" > "$log.out" 2>&1 || true
}
# Latency figures of one h2load log as JSON: the first call (by start time), calls over 20 ms, percentiles.
latency_json() { # LOG
  local first
  first="$(sort -n -k1,1 "$1" | awk 'NR == 1 { printf "%.3f", $3 / 1000 }')"
  sort -n -k3,3 "$1" | awk -v first="$first" '
    { ms = $3 / 1000; if (ms > 20) over++; if ($2 != 200) failed++; lat[NR] = ms }
    END {
      printf "{\"sent\": %d, \"first_ms\": %s, \"over_20ms\": %d, \"http_errors\": %d, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"p999_ms\": %.3f, \"max_ms\": %.3f}\n",
        NR, first, over, failed, lat[int((NR - 1) * 0.5) + 1], lat[int((NR - 1) * 0.99) + 1], lat[int((NR - 1) * 0.999) + 1], lat[NR]
    }'
}
# Decisions the service counted (its ratelimit_requests_total), to tell calls answered from calls failed.
decided_total() {
  curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" | awk '/^ratelimit_requests_total\{/ { n += $2 } END { printf "%d", n }'
}
# Waits for the first /healthcheck 200 and prints the milliseconds since STARTED_MS. It polls every
# 5 ms through bash's own /dev/tcp and a read timeout: no process forked, so nothing takes CPU from
# the starting JVM.
serving_ms() {
  local code nap
  exec {nap}<> <(:)
  for _ in $(seq 3000); do
    if { exec {http}<>"/dev/tcp/127.0.0.1/$HTTP_PORT"; } 2>/dev/null; then
      printf 'GET /healthcheck HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n' >&"$http"
      code=0; read -r _ code _ <&"$http" || true
      exec {http}>&-
      if [ "$code" = 200 ]; then echo $(( $(date +%s%3N) - STARTED_MS )); exec {nap}>&-; return 0; fi
    fi
    read -r -t 0.005 -u "$nap" _ || true
  done
  echo "bench: the service did not report SERVING; see $OUT/service-$STORE.log" >&2
  exit 1
}
# A fresh replica: how long until it says SERVING, then its first 1,000 calls at 200/s.
cold_start() { # RUN
  local log="$OUT/cold-$STORE-$1.log" serving decided
  # shellcheck disable=SC2046 # the store's flags are words on purpose
  start_service $(service_args)
  serving="$(serving_ms)"
  h2load_calls "$log" --timing-script-file "$OUT/timing-200.txt"
  decided="$(decided_total)"
  stop_service
  node -e 'const r = JSON.parse(process.argv[1]); r.serving_ms = Number(process.argv[2]); r.run = Number(process.argv[3]);
           r.decisions = Number(process.argv[4]); r.errors = r.sent - r.decisions; r.seconds = 5;
           r.rps = Math.round(r.decisions / r.seconds); console.log(JSON.stringify(r));' \
    "$(latency_json "$log")" "$serving" "$1" "$decided"
}
# 10 calls/s for 20 s on a warm replica, with the service's CPU per call.
low_rate() {
  local log="$OUT/low-rate-$STORE.log" before redis_before decided_before
  timing_script "$OUT/timing-10.txt" 200 100
  before="$(cpu_ticks "$SERVICE_PID")"; redis_before="$(cpu_ticks "$REDIS_PID")"; decided_before="$(decided_total)"
  h2load_calls "$log" --timing-script-file "$OUT/timing-10.txt"
  node -e 'const r = JSON.parse(process.argv[1]); r.seconds = 20; r.decisions = Number(process.argv[2]);
           r.errors = r.sent - r.decisions; r.rps = Math.round(r.decisions / r.seconds); r.service_cpu_ticks = Number(process.argv[3]);
           if (process.argv[4] !== "") r.redis_cpu_ticks = Number(process.argv[4]); console.log(JSON.stringify(r));' \
    "$(latency_json "$log")" "$(( $(decided_total) - decided_before ))" "$(( $(cpu_ticks "$SERVICE_PID") - before ))" \
    "$([ "$STORE" = redis ] && echo $(( $(cpu_ticks "$REDIS_PID") - redis_before )))"
}
timing_script "$OUT/timing-200.txt" 1000 5

for STORE in memory redis; do
  # Three fresh replicas on Redis, one in memory (its start has no network step that varies).
  runs=1; [ "$STORE" = redis ] && runs=3
  for run in $(seq "$runs"); do
    say "$STORE: cold start $run of $runs, then 1000 calls at 200/s (h2load)"
    record "$STORE" cold-start cold-start h2load "$(cold_start "$run")"
  done

  # shellcheck disable=SC2046
  start_service $(service_args)
  await_service
  # The Redis path takes longer than the in-memory one to reach its steady speed; every path gets warmed.
  say "$STORE: warming up"
  grpc_load --target "127.0.0.1:$GRPC_PORT" --workload hot --duration 10s >/dev/null
  grpc_load --target "127.0.0.1:$GRPC_PORT" --workload keys10k --duration 5s >/dev/null
  grpc_load --target "127.0.0.1:$GRPC_PORT" --workload over --duration 3s >/dev/null
  for workload in hot keys10k over; do
    say "$STORE: $workload at max throughput"
    before="$(commands_total)"
    result="$(drive "$workload")"
    after="$(commands_total)"
    commands=""
    [ "$STORE" = redis ] && commands=$((after - before))
    record "$STORE" "$workload" max "$DRIVER" "$result" "$commands"
    max_rps="$(node -e 'console.log(JSON.parse(process.argv[1]).rps)' "$result")"
    if [ "$workload" = hot ]; then # right after the driver's run, so both meet the service equally warm
      say "$STORE: hot key max throughput (h2load)"
      record "$STORE" hot max h2load "$(drive_h2load_hot)"
      eighty=$((max_rps * 8 / 10))
      say "$STORE: hot key at 80% of max ($eighty/s)"
      record "$STORE" hot 80pct "$DRIVER" "$(drive hot "$eighty")"
    fi
    if [ "$workload" != over ]; then
      half=$((max_rps / 2))
      say "$STORE: $workload at half of max ($half/s)"
      record "$STORE" "$workload" half "$DRIVER" "$(drive "$workload" "$half")"
    fi
  done
  say "$STORE: 10 calls/s for 20 s (h2load)"
  record "$STORE" hot low-rate h2load "$(low_rate)"
  say "$STORE: 200 bursts of 50 concurrent calls, each burst on a fresh key"
  record "$STORE" bursts bursts "$DRIVER" "$(measured --bursts 200 --burst-size 50)"
  stop_service
done

# --- 3. bucket4j's compare-and-swap strategy on the same Redis, for the choice of the script -------
STORE=bucket4j
start_service --redis-url "redis://127.0.0.1:$REDIS_PORT" --redis-strategy bucket4j
await_service
say "bucket4j: warming up"
grpc_load --target "127.0.0.1:$GRPC_PORT" --workload hot --duration 5s >/dev/null
for workload in hot keys10k; do
  say "bucket4j: $workload at max throughput"
  before="$(commands_total)"
  result="$(drive "$workload")"
  after="$(commands_total)"
  record bucket4j "$workload" max "$DRIVER" "$result" "$((after - before))"
done
stop_service

node "$ROOT/scripts/bench/summarize.mjs" "$RESULTS" "$(getconf CLK_TCK)" "$JSON" | tee "$OUT/summary.txt"

if [ "$ONLY" != stores ]; then
  cleanup # the stores' processes are done; the Envoy rows start their own
  echo
  through_envoy
fi
