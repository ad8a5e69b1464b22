#!/usr/bin/env bash
# The benchmark: Redis's own ceiling (redis-benchmark EVALSHA of an equivalent token-bucket script),
# then the service on the in-memory store and on Redis, each under three workloads, driven from
# outside the service's process over a few HTTP/2 connections as Envoy would. It prints figures and
# ratios from this one run; it is not a test and asserts nothing.
#
# usage: scripts/bench.sh [--duration SECONDS] [--out DIR]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION=10
OUT="$ROOT/target/bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "usage: scripts/bench.sh [--duration SECONDS] [--out DIR]" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"

JAR="$ROOT/ratelimit-service/target/ratelimit-service.jar"
[ -f "$JAR" ] || { echo "bench: build first (mvn -B -q -DskipTests package)" >&2; exit 1; }
LOAD="$ROOT/scripts/bench/grpc-load.mjs"
REDIS_PORT=16399
GRPC_PORT=18181
HTTP_PORT=18180
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

say() { printf '==> %s\n' "$*" >&2; }

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --logfile "$OUT/redis.log" >/dev/null
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

commands_total() {
  redis-cli -p "$REDIS_PORT" info commandstats \
    | awk -F'[:=,]' '/^cmdstat_/ && $1 !~ /cmdstat_(info|config|ping|script|flushall)/ { n += $3 } END { print n + 0 }'
}

record() { # store workload mode json
  node -e 'const [s, w, m, j] = process.argv.slice(1); const r = JSON.parse(j); r.store = s; r.workload = w; r.mode = m;
           if (process.argv[5]) r.redis_commands = Number(process.argv[5]); console.log(JSON.stringify(r));' \
    "$1" "$2" "$3" "$4" "${5:-}" >> "$RESULTS"
}

# --- 1. the ceiling: one decision per EVALSHA, 50 clients, no pipelining -------------------------
SHA="$(redis-cli -p "$REDIS_PORT" script load "$(cat "$ROOT/scripts/bench/ceiling.lua")")"
for workload in hot keys10k; do
  key="bench:hot"; rand=()
  if [ "$workload" = keys10k ]; then key="bench:__rand_int__"; rand=(-r 10000); fi
  say "ceiling: redis-benchmark EVALSHA ($workload)"
  rps="$(redis-benchmark -p "$REDIS_PORT" -c 50 -n 300000 -q "${rand[@]}" \
    evalsha "$SHA" 1 "$key" 1 1000000000 | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+$/) { print $i; exit } }')"
  record ceiling "$workload" max "{\"rps\": ${rps:-0}}"
done
redis-cli -p "$REDIS_PORT" flushall >/dev/null

# --- 2. the service, on each store ---------------------------------------------------------------
start_service() { # extra args...
  java -XX:+UseParallelGC -jar "$JAR" --config "$ROOT/scripts/bench/limits.yaml" --host 127.0.0.1 \
    --grpc-port "$GRPC_PORT" --http-port "$HTTP_PORT" --over-limit-cache-size 0 "$@" > "$OUT/service-$STORE.log" 2>&1 &
  PIDS+=("$!")
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

drive() { # workload [rate]
  node "$LOAD" --target "127.0.0.1:$GRPC_PORT" --workload "$1" --connections 4 --inflight 32 \
    --duration "$DURATION" --rate "${2:-0}"
}

for STORE in memory redis; do
  if [ "$STORE" = redis ]; then
    start_service --redis-url "redis://127.0.0.1:$REDIS_PORT"
  else
    start_service
  fi
  say "$STORE: warming up"
  node "$LOAD" --target "127.0.0.1:$GRPC_PORT" --workload hot --duration 5 >/dev/null
  node "$LOAD" --target "127.0.0.1:$GRPC_PORT" --workload keys10k --duration 3 >/dev/null
  for workload in hot keys10k over; do
    say "$STORE: $workload at max throughput"
    before="$(commands_total)"
    result="$(drive "$workload")"
    after="$(commands_total)"
    commands=""
    [ "$STORE" = redis ] && commands=$((after - before))
    record "$STORE" "$workload" max "$result" "$commands"
    max_rps="$(node -e 'console.log(JSON.parse(process.argv[1]).rps)' "$result")"
    half=$((max_rps / 2))
    say "$STORE: $workload at half of max ($half/s)"
    record "$STORE" "$workload" half "$(drive "$workload" "$half")"
  done
  stop_service
done

node "$ROOT/scripts/bench/summarize.mjs" "$RESULTS" | tee "$OUT/summary.txt"
