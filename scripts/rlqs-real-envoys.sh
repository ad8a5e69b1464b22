#!/usr/bin/env bash
# RLQS through real Envoys, measured: RlqsThroughRealEnvoysIT (three Envoy 1.40 processes, two
# service replicas, one redis-server; a strict and a token_bucket budget split at once while their
# demand moves, an Envoy is killed, both replicas restart and Redis loses every ledger) run with longer
# phases and the shipped assignment TTL, as many times as asked. It prints each run's table: the
# most each budget's upstream saw in any 10 s window against docs/rlqs.md's bound, and how long each
# share took to follow. Every part runs on free ports on 127.0.0.1; it still wants a quiet machine.
# It builds through the reactor (never `mvn install`).
#
# usage: scripts/rlqs-real-envoys.sh [--runs N] [--phase DURATION] [--ttl DURATION]
#        (1 run, phases of 30s, TTL 10s by default; a run takes about 3 minutes)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=1
PHASE=30s
TTL=10s
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --phase) PHASE="$2"; shift 2 ;;
    --ttl) TTL="$2"; shift 2 ;;
    *) echo "usage: scripts/rlqs-real-envoys.sh [--runs N] [--phase DURATION] [--ttl DURATION]" >&2; exit 2 ;;
  esac
done

cd "$ROOT"
for run in $(seq 1 "$RUNS"); do
  echo "run $run of $RUNS (phases of $PHASE, TTL $TTL):"
  mvn -B -q -pl envoy-config -am verify -Dtest=NONE -Dit.test=RlqsThroughRealEnvoysIT \
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
    -Drlqs.phase="$PHASE" -Drlqs.ttl="$TTL" 2>&1 | sed -n 's/^.*\(RLQS through\)/\1/; /RLQS through/,/^| token_bucket/p'
done
