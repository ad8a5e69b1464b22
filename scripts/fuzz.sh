#!/usr/bin/env bash
# Fuzzes each target for a bounded time with Jazzer (JAZZER_FUZZ=1), one target per JVM.
#   scripts/fuzz.sh [seconds-per-target] [TargetClass ...]
# A finding is written as crash-<sha> into the target's Inputs directory under
# ratelimit-service/src/test/resources/, where every later build replays it as a regression test.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

seconds="${1:-60}"
[ $# -gt 0 ] && shift
case "$seconds" in
  ''|*[!0-9]*) echo "fuzz.sh: seconds must be a whole number, got '$seconds'" >&2; exit 2 ;;
esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(LimitsYamlFuzzTest RateLimitRequestFuzzTest JsonBodyFuzzTest)

status=0
for target in "${targets[@]}"; do
  printf '==> fuzzing %s for %ss\n' "$target" "$seconds"
  log="ratelimit-service/target/fuzz-$target.log"
  mkdir -p ratelimit-service/target
  if JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" mvn -B -o -Dstyle.color=never -pl ratelimit-service -am \
      test -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
    result="no findings"
  else
    result="FINDING (see $log)"
    status=1
  fi
  # libFuzzer's last status line: '#<executions> DONE ... exec/s: N'
  done_line="$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 || true)"
  printf '    %s; %s\n' "$result" "${done_line:-no libFuzzer status line in the log}"
done
exit "$status"
