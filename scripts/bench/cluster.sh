#!/usr/bin/env bash
# The Redis Cluster benchmark. It starts a Redis Cluster of three masters on 127.0.0.1 (plain
# redis-server processes, stopped at the end), one service replica on it with
# scripts/bench/cluster-limits.yaml, and drives it with `loadgen bench`. From one run it prints:
#
#   spread     --users N budgets of one domain (default 100,000), one call each: every master's
#              share of the keys (INFO keyspace) and of the script calls (INFO commandstats);
#   hot, keys10k, hotuser
#              at max throughput (4 connections x 32 calls in flight): decisions/s, script calls
#              per decision, the service's CPU per decision and each master's CPU per script call
#              (utime + stime from /proc/PID/stat); hotuser names the global budget and a user's,
#              which sit on two masters, so its requests are decided slot by slot;
#   latency    h2load (a C client) at a fixed rate, one bucket against two buckets on two masters;
#   expiry     the hot key's lifetime (PTTL) and whether it is gone once idle past it;
#   ceiling    one master at full speed: redis-benchmark running the service's own script, one
#              decision per call on 100,000 keys, and 100 decisions per call on one key;
#   baseline   the same service on one redis-server, for its own CPU per decision without a Cluster;
#   --million  1,000,000 budgets of 1 an hour on an emptied Cluster and a fresh service, then 200,000
#              calls denied on budgets of their own: the service's heap after a full GC and its RSS
#              before and after, /budgets, metric series, the over-limit cache's entries, Redis
#              memory per bucket, and when an idle bucket's key expires.
#
# Everything stays on 127.0.0.1 and every phase is bounded in calls and time (the walks over users
# stop after their calls or 5 minutes, 10 for the million; about 3 minutes in all, 7 with --million). It
# asserts nothing: figures from one run on a shared machine.
#
# usage: scripts/bench/cluster.sh [--users N] [--duration SECONDS] [--million] [--out DIR]
#        (env BENCH_CLUSTER_PORT, BENCH_GRPC_PORT, BENCH_HTTP_PORT: 17101, 18181, 18180 by default)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
USERS=100000
DURATION=10
MILLION=no
OUT="$ROOT/target/bench-cluster"
while [ $# -gt 0 ]; do
  case "$1" in
    --users) USERS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --million) MILLION=yes; shift ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "usage: scripts/bench/cluster.sh [--users N] [--duration SECONDS] [--million] [--out DIR]" >&2; exit 2 ;;
  esac
done
case "$USERS" in ''|*[!0-9]*) echo "cluster bench: --users must be a number" >&2; exit 2 ;; esac
case "$DURATION" in ''|*[!0-9]*) echo "cluster bench: --duration must be whole seconds" >&2; exit 2 ;; esac
if [ "$USERS" -lt 1000 ] || [ "$USERS" -gt 1000000 ]; then
  echo "cluster bench: --users must be between 1000 and 1000000" >&2; exit 2
fi
if [ "$DURATION" -lt 1 ] || [ "$DURATION" -gt 60 ]; then
  echo "cluster bench: --duration must be between 1 and 60 seconds" >&2; exit 2
fi
mkdir -p "$OUT"
REPORT="$OUT/report.txt"
: > "$REPORT"

BENCH_NAME="cluster bench"
# shellcheck source=scripts/bench/jars.sh
. "$ROOT/scripts/bench/jars.sh"
for tool in redis-server redis-cli h2load node jcmd; do
  command -v "$tool" >/dev/null || { echo "cluster bench: $tool is missing" >&2; exit 1; }
done

BASE="${BENCH_CLUSTER_PORT:-17101}"
PORTS=("$BASE" "$((BASE + 1))" "$((BASE + 2))")
GRPC_PORT="${BENCH_GRPC_PORT:-18181}"
HTTP_PORT="${BENCH_HTTP_PORT:-18180}"
SERVICE_PID=""
# One benchmark at a time on this machine: they share the fixed ports and each other's CPU.
exec 9>"${TMPDIR:-/tmp}/ratelimit-bench.lock"
flock -n 9 || { echo "cluster bench: another benchmark is running on this machine; wait for it to end" >&2; exit 1; }

for port in "${PORTS[@]}" "$GRPC_PORT" "$HTTP_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "cluster bench: port $port is taken by another process; move the benchmark's ports (BENCH_CLUSTER_PORT," \
      "BENCH_GRPC_PORT, BENCH_HTTP_PORT)" >&2
    exit 1
  fi
done

cleanup() {
  if [ -n "$SERVICE_PID" ]; then kill "$SERVICE_PID" 2>/dev/null || true; fi
  for port in "${PORTS[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
}
trap cleanup EXIT INT TERM

say() { printf '==> %s\n' "$*" >&2; }
report() { printf '%s\n' "$*" | tee -a "$REPORT"; }

# --- the cluster: three masters, slots split evenly, built by hand (ADDSLOTSRANGE and MEET) -------
for i in 0 1 2; do
  port="${PORTS[$i]}"
  rm -f "$OUT/nodes-$port.conf"
  redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "nodes-$port.conf" \
    --cluster-port "$((port + 10000))" --cluster-node-timeout 2000 --save "" --appendonly no \
    --dir "$OUT" --logfile "$OUT/redis-$port.log" --daemonize yes >/dev/null
done
for port in "${PORTS[@]}"; do
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
for i in 0 1 2; do
  redis-cli -p "${PORTS[$i]}" cluster addslotsrange "$((i * 16384 / 3))" "$(((i + 1) * 16384 / 3 - 1))" >/dev/null
done
for i in 1 2; do
  redis-cli -p "${PORTS[0]}" cluster meet 127.0.0.1 "${PORTS[$i]}" "$((PORTS[i] + 10000))" >/dev/null
done
for _ in $(seq 300); do
  ok=0
  for port in "${PORTS[@]}"; do
    redis-cli -p "$port" cluster info | grep -q 'cluster_state:ok' && ok=$((ok + 1))
  done
  [ "$ok" = 3 ] && break
  sleep 0.1
done
[ "$ok" = 3 ] || { echo "cluster bench: the cluster did not reach cluster_state:ok" >&2; exit 1; }

info() { # port field
  redis-cli -p "$1" info all | tr -d '\r' | awk -F: -v f="$2" '$1 == f { print $2 }'
}
scripts() { # port: script calls so far (EVALSHA and EVAL, the give-back's included)
  redis-cli -p "$1" info commandstats | tr -d '\r' \
    | awk -F'[:=,]' '/^cmdstat_(evalsha|eval|evalsha_ro|eval_ro):/ { n += $3 } END { print n + 0 }'
}
cpu_ticks() { # PID: utime + stime in clock ticks (fields 14 and 15 of /proc/PID/stat)
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
REDIS_PIDS=()
for port in "${PORTS[@]}"; do REDIS_PIDS+=("$(info "$port" process_id)"); done
TICK_US=$((1000000 / $(getconf CLK_TCK)))

# Per master: keys, script calls, CPU ticks, used memory; taken before and after each phase.
declare -A BEFORE
snapshot() { # name
  for i in 0 1 2; do
    BEFORE["$1_keys_$i"]="$(redis-cli -p "${PORTS[$i]}" dbsize)"
    BEFORE["$1_scripts_$i"]="$(scripts "${PORTS[$i]}")"
    BEFORE["$1_cpu_$i"]="$(cpu_ticks "${REDIS_PIDS[$i]}")"
    BEFORE["$1_mem_$i"]="$(info "${PORTS[$i]}" used_memory)"
  done
}
json() { # json field
  node -e 'const v = JSON.parse(process.argv[1])[process.argv[2]]; console.log(v === undefined ? "" : v)' "$1" "$2"
}

# --- the service -----------------------------------------------------------------------------
SEEDS="127.0.0.1:${PORTS[0]},127.0.0.1:${PORTS[1]},127.0.0.1:${PORTS[2]}"
LIMITS="$ROOT/scripts/bench/cluster-limits.yaml"
start_service() { # its Redis flags
  java -XX:+UseParallelGC -jar "$JAR" --config "$LIMITS" --host 127.0.0.1 \
    --grpc-port "$GRPC_PORT" --http-port "$HTTP_PORT" "$@" >> "$OUT/service.log" 2>&1 &
  SERVICE_PID="$!"
  for _ in $(seq 200); do
    curl -fs "http://127.0.0.1:$HTTP_PORT/healthcheck" >/dev/null 2>&1 && break
    sleep 0.1
  done
  if ! kill -0 "$SERVICE_PID" 2>/dev/null || ! curl -fs "http://127.0.0.1:$HTTP_PORT/healthcheck" >/dev/null; then
    echo "cluster bench: the service did not start; see $OUT/service.log" >&2
    exit 1
  fi
}
: > "$OUT/service.log"
start_service --redis-type cluster --redis-url "$SEEDS"

bench() { # loadgen bench flags...
  java -jar "$LOADGEN_JAR" bench --target "127.0.0.1:$GRPC_PORT" --service-pid "$SERVICE_PID" "$@"
}

heap_after_gc() { # used heap in MB after a full collection, and the process's RSS in MB
  jcmd "$SERVICE_PID" GC.run >/dev/null
  local used rss
  used="$(jcmd "$SERVICE_PID" GC.heap_info | awk '/PSYoungGen|ParOldGen/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); s += v } } END { printf "%.0f", s / 1024 }')"
  rss="$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVICE_PID/status")"
  echo "$used $rss"
}

report "Redis Cluster benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
report "redis-server $(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/'), $(java -version 2>&1 | awk 'NR == 1')"
report "masters: ${PORTS[*]} (slots 0-5460, 5461-10921, 10922-16383); service pid $SERVICE_PID"

walk_users() { # phase calls seconds: that many calls, each to the next user of one domain, within the seconds
  say "$1: $2 calls, each to the next user of one domain"
  snapshot "$1"
  result="$(bench --workload users --connections 4 --inflight 32 --calls "$2" --duration "$3s")"
  echo "$result" > "$OUT/$1.json"
  report ""
}

say "warming up"
bench --workload hot --duration 10s >/dev/null

# --- spread: N users of one domain, one call each -----------------------------------------------
walk_users spread "$USERS" 300
report "spread: $(json "$result" sent) calls, each to the next of the users (ok $(json "$result" ok), over $(json "$result" over), errors $(json "$result" errors)), $(json "$result" rps) calls/s"
total_keys=0; total_scripts=0
declare -a KEYS SCRIPTS
for i in 0 1 2; do
  KEYS[i]="$(redis-cli -p "${PORTS[$i]}" --scan --pattern '*|user=*' | wc -l)"
  SCRIPTS[i]="$(( $(scripts "${PORTS[$i]}") - ${BEFORE[spread_scripts_$i]} ))"
  total_keys=$((total_keys + KEYS[i])); total_scripts=$((total_scripts + SCRIPTS[i]))
done
report "master  keys (INFO keyspace)   share   script calls (INFO commandstats)   share"
for i in 0 1 2; do
  report "$(awk -v p="${PORTS[$i]}" -v k="${KEYS[$i]}" -v tk="$total_keys" -v s="${SCRIPTS[$i]}" -v ts="$total_scripts" \
    'BEGIN { printf "%-7s %10d %17.1f%% %21d %22.1f%%", p, k, 100 * k / tk, s, 100 * s / ts }')"
done
report "total   $total_keys keys, $total_scripts script calls"
for i in 0 1 2; do
  report "  ${PORTS[$i]}: $(redis-cli -p "${PORTS[$i]}" info keyspace | tr -d '\r' | grep '^db0')"
done
read -r SPREAD_HEAP SPREAD_RSS < <(heap_after_gc)
report "service after the spread: heap after a full GC ${SPREAD_HEAP} MB, RSS ${SPREAD_RSS} MB"

# --- throughput: hot, keys10k, hotuser --------------------------------------------------------
bench --workload hotuser --duration 3s >/dev/null
report ""
report "workload  decisions/s   p50 ms   p99 ms  errors  scripts/decision  svc us/decision  redis us/script per master ${PORTS[*]}"
for workload in hot keys10k hotuser; do
  say "$workload at max throughput for ${DURATION}s"
  snapshot "$workload"
  result="$(bench --workload "$workload" --connections 4 --inflight 32 --duration "${DURATION}s" --warmup 1s)"
  echo "$result" > "$OUT/$workload.json"
  decisions=$(( $(json "$result" ok) + $(json "$result" over) ))
  calls=0; per_master=""
  for i in 0 1 2; do
    s=$(( $(scripts "${PORTS[$i]}") - ${BEFORE[${workload}_scripts_$i]} ))
    c=$(( $(cpu_ticks "${REDIS_PIDS[$i]}") - ${BEFORE[${workload}_cpu_$i]} ))
    calls=$((calls + s))
    per_master="$per_master $(awk -v s="$s" -v c="$c" -v t="$TICK_US" 'BEGIN { if (s >= 100) printf "%.1f(%d calls)", c * t / s, s; else printf "-(%d calls)", s }')"
  done
  report "$(awk -v w="$workload" -v r="$(json "$result" rps)" -v p50="$(json "$result" p50_ms)" -v p99="$(json "$result" p99_ms)" \
    -v e="$(json "$result" errors)" -v calls="$calls" -v d="$decisions" -v st="$(json "$result" service_cpu_ticks)" -v t="$TICK_US" \
    -v pm="$per_master" 'BEGIN { printf "%-9s %11.0f %8.3f %8.3f %7d %17.3f %16.1f  %s", w, r, p50, p99, e, calls / d, st * t / d, pm }')"
done
report "(scripts counted over the whole phase, warm-up second included; decisions over the counted part; a master's CPU"
report " per script only where it ran 100 or more: a clock tick is 10 ms)"
master_holding() { # pattern: the port of the master that holds a key matching it, if any
  for port in "${PORTS[@]}"; do
    if [ -n "$(redis-cli -p "$port" --scan --pattern "$1" | awk 'NR == 1')" ]; then echo "$port"; return; fi
  done
}
report "hotuser's two buckets: the global one on master $(master_holding '*generic_key=hot#*'), user u1's on master $(master_holding '*user=u1#*')"
receipts="$(for port in "${PORTS[@]}"; do redis-cli -p "$port" --scan --pattern '*~r*' | wc -l; done | awk '{ n += $1 } END { print n }')"
report "receipts alive right after hotuser: $receipts"

# --- latency from a C client: one bucket against two buckets on two masters -------------------
report ""
report "latency from h2load at 500 calls/s for ${DURATION}s on one connection (h2load reports mean and max, no percentiles)"
for workload in hot hotuser; do
  java -jar "$LOADGEN_JAR" bench --workload "$workload" --write-frame "$OUT/$workload.bin"
done
for workload in hot hotuser hot hotuser; do
  say "h2load: $workload"
  line="$(h2load --rps 500 -c 1 -m 1 -n "$((500 * DURATION))" -d "$OUT/$workload.bin" \
    -H 'content-type: application/grpc' -H 'te: trailers' -H 'grpc-timeout: 20m' \
    "http://127.0.0.1:$GRPC_PORT/envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit" \
    | awk '/^requests:/ { done = $2; ok = $8 } /^time for request:/ { min = $4; max = $5; mean = $6 } END { printf "%d calls, %d succeeded, min %s, mean %s, max %s", done, ok, min, mean, max }')"
  report "  $workload: $line"
done

# --- expiry: a bucket lives until its window ends, plus a second --------------------------------
report ""
bench --workload hot --rate 10 --duration 1s >/dev/null
hot_port="$(master_holding '*generic_key=hot#*')"
hot_key="$(redis-cli -p "$hot_port" --scan --pattern '*generic_key=hot#*' | awk 'NR == 1')"
report "expiry: the hot key (1e9 a second, fixed windows) right after its last call: PTTL $(redis-cli -p "$hot_port" pttl "$hot_key") ms"
sleep 3
report "        3 s idle later it exists: $(redis-cli -p "$hot_port" exists "$hot_key") (0: expired)"
sample_user="$(redis-cli -p "${PORTS[0]}" --scan --pattern '*|user=*' | awk 'NR == 1')"
report "        a user's key (100 an hour): PTTL $(redis-cli -p "${PORTS[0]}" pttl "$sample_user") ms, value" \
  "$(redis-cli -p "${PORTS[0]}" get "$sample_user"), key $sample_user"

# --- one master's ceiling: redis-benchmark running the service's own script -------------------
# 50 clients, no pipelining, on the first master only, with keys of its slots: one decision per
# call on 100,000 keys, and a hot key's call deciding 100 requests at once, as the coalescing queue
# sends them. The budget never denies. This is Redis's side alone, on this machine's other core.
SCRIPT="$ROOT/ratelimit-service/src/main/resources/io/egressratelimit/redis/token-buckets.lua"
SHA="$(redis-cli -p "${PORTS[0]}" script load "$(cat "$SCRIPT")")"
tag=0
until [ "$(redis-cli -p "${PORTS[0]}" cluster keyslot "{t$tag}")" -lt 5461 ]; do tag=$((tag + 1)); done
report ""
report "one master's ceiling (redis-benchmark, 50 clients, no pipelining, token-buckets.lua, on master ${PORTS[0]}):"
for run in "many 1 100000" "hot 100 0"; do
  read -r name per_call keys <<< "$run"
  key="bench:{t$tag}:hot"; rand=()
  if [ "$keys" -gt 0 ]; then key="bench:{t$tag}:__rand_int__"; rand=(-r "$keys"); fi
  say "ceiling: $name, $per_call decision(s) per call"
  ticks="$(cpu_ticks "${REDIS_PIDS[0]}")"
  calls="$(redis-benchmark -p "${PORTS[0]}" -c 50 -n 200000 -q "${rand[@]}" evalsha "$SHA" 1 "$key" \
    -1 1 1000000000 1000000000 1000000 0 1000000000 1 "$per_call" 1 1 1 1 1 \
    | tr '\r' '\n' | grep 'requests per second' | tail -1 | sed -E 's/.* ([0-9]+(\.[0-9]+)?) requests per second.*/\1/')"
  ticks=$(( $(cpu_ticks "${REDIS_PIDS[0]}") - ticks ))
  report "$(awk -v n="$name" -v d="$per_call" -v c="$calls" -v t="$ticks" -v us="$TICK_US" \
    'BEGIN { printf "  %-5s %3d decision(s) per call: %9.0f calls/s = %9.0f decisions/s; redis %6.2f us per call, %5.2f us per decision", n, d, c, c * d, t * us / 200000, t * us / 200000 / d }')"
done

# --- the same service on one redis-server, for the service's own cost of a Cluster --------------
kill "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true
SINGLE_PORT=$((BASE + 3))
redis-server --port "$SINGLE_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --logfile "$OUT/redis-single.log" >/dev/null
PORTS+=("$SINGLE_PORT") # stopped by the cleanup with the others
for _ in $(seq 50); do redis-cli -p "$SINGLE_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
start_service --redis-url "redis://127.0.0.1:$SINGLE_PORT"
bench --workload hot --duration 10s >/dev/null
bench --workload keys10k --duration 3s >/dev/null
report ""
report "the same service on one redis-server (no Cluster), for comparison:"
for workload in hot keys10k; do
  say "one redis-server: $workload at max throughput for ${DURATION}s"
  result="$(bench --workload "$workload" --connections 4 --inflight 32 --duration "${DURATION}s" --warmup 1s)"
  decisions=$(( $(json "$result" ok) + $(json "$result" over) ))
  report "$(awk -v w="$workload" -v r="$(json "$result" rps)" -v st="$(json "$result" service_cpu_ticks)" -v t="$TICK_US" -v d="$decisions" \
    'BEGIN { printf "  %-9s %9.0f decisions/s, service %5.1f us per decision", w, r, st * t / d }')"
done
kill "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true
redis-cli -p "$SINGLE_PORT" shutdown nosave >/dev/null 2>&1 || true
unset 'PORTS[3]'

# --- a million budgets ------------------------------------------------------------------------
# A fresh service on an emptied Cluster, with the users' budget at 1 an hour: the first million
# calls make a million buckets, and the next 200,000 (users u0 to u199999 again; u0's own budget
# never denies, see cluster-limits.yaml) are each denied on a bucket of their own, twice what the
# over-limit cache may remember (100,000 by default).
if [ "$MILLION" = yes ]; then
  for port in "${PORTS[@]}"; do redis-cli -p "$port" flushall >/dev/null; done
  LIMITS="$OUT/million-limits.yaml"
  sed -E 's/^( +requests_per_unit:) 100$/\1 1/' "$ROOT/scripts/bench/cluster-limits.yaml" > "$LIMITS"
  grep -q '^ *requests_per_unit: 1$' "$LIMITS" || { echo "cluster bench: could not set the users' budget to 1 an hour" >&2; exit 1; }
  start_service --redis-type cluster --redis-url "$SEEDS"
  bench --workload hot --duration 5s >/dev/null
  read -r START_HEAP START_RSS < <(heap_after_gc)
  walk_users million 1200000 600
  report "million: $(json "$result" sent) calls on 1,000,000 users of 1 an hour, the last 200,000 on users called"\
    "before (ok $(json "$result" ok), over $(json "$result" over), errors $(json "$result" errors)), $(json "$result" rps) calls/s"
  keys=0; mem=0; added_mem=0
  for i in 0 1 2; do
    k="$(redis-cli -p "${PORTS[$i]}" dbsize)"
    m="$(info "${PORTS[$i]}" used_memory)"
    added=$((k - ${BEFORE[million_keys_$i]}))
    keys=$((keys + k)); mem=$((mem + m)); added_mem=$((added_mem + m - ${BEFORE[million_mem_$i]}))
    report "  master ${PORTS[$i]}: $k keys, used_memory $((m / 1048576)) MB, $(( (m - ${BEFORE[million_mem_$i]}) / (added > 0 ? added : 1) )) bytes per key added by the run ($added keys)"
  done
  report "  all masters: $keys keys, $((added_mem / keys)) bytes of used_memory per key added ($((mem / keys)) per key of all used_memory)"
  read -r heap rss < <(heap_after_gc)
  report "  service: heap after a full GC $heap MB (before the walk: $START_HEAP MB; after the 100,000-user spread: $SPREAD_HEAP MB), RSS $rss MB (before the walk: $START_RSS MB)"
  budgets="$(curl -fs "http://127.0.0.1:$HTTP_PORT/budgets")"
  report "  /budgets: $(printf '%s' "$budgets" | wc -c) bytes, $(printf '%s' "$budgets" | node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => { const j = JSON.parse(s); console.log(j.rules.reduce((n, r) => n + r.buckets.length, 0)) })') buckets shown"
  metrics="$(curl -fs "http://127.0.0.1:$HTTP_PORT/metrics")"
  report "  metric series: ratelimit_hits_total $(printf '%s\n' "$metrics" | grep -c '^ratelimit_hits_total'), ratelimit_service_rate_limit_total_hits $(printf '%s\n' "$metrics" | grep -c '^ratelimit_service_rate_limit_total_hits'), all lines $(printf '%s\n' "$metrics" | grep -vc '^#')"
  report "  counts under their rule's key past the bound (ratelimit_metric_keys_folded_total): $(printf '%s\n' "$metrics" | awk '/^ratelimit_metric_keys_folded_total/ { print $2 }')"
  report "  over-limit cache (ratelimit_over_limit_cache_entries): $(printf '%s\n' "$metrics" | awk '/^ratelimit_over_limit_cache_entries/ { printf "%s%s %s", sep, $1, $2; sep = ", " }')"
  # An idle bucket's key lives until its window ends, plus a second: for 1 an hour, the next hour.
  idle_user="$(redis-cli -p "${PORTS[0]}" --scan --pattern '*|user=*' | awk 'NR == 1')"
  idle_pttl="$(redis-cli -p "${PORTS[0]}" pttl "$idle_user")"
  report "  an idle user's key at $(date -u +%H:%M:%SZ): PTTL $idle_pttl ms, so it expires at" \
    "$(date -u -d "@$(( ($(date +%s%3N) + idle_pttl) / 1000 ))" +%H:%M:%SZ) (key $idle_user)"
fi

report ""
report "report: $REPORT"
