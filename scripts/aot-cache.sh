#!/usr/bin/env bash
# Records the JVM's ahead-of-time cache for the service (JEP 483 class loading and linking, JEP 515
# method profiles, JDK 25+): one training run that starts the service on the embedded store with
# the given limits, lets its warm-up rehearse every rule, reports SERVING and exits. A replica
# started with -XX:AOTCache=CACHE then loads its classes from the cache and compiles its hot path
# sooner (docs/operations.md has the measured difference).
#
# usage: scripts/aot-cache.sh JAR CACHE LIMITS [service flags...]
#        (LIMITS: the limits file or directory the replicas will serve, as --config takes it)
#        (the flags of the replicas' store, e.g. --redis-url, so the training loads what they will)
# Prints the java that must run with the cache (the one that recorded it) on stdout, or nothing
# when no JDK 25 or newer is found: then replicas start without a cache, as on JDK 17, and it says
# so on stderr. The cache is kept while it is newer than the jar and that java is the same.
# A JDK 25 is looked for in AOT_JAVA, then `java` on the PATH, then /usr/lib/jvm/*.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: scripts/aot-cache.sh JAR CACHE LIMITS [service flags...]" >&2; exit 2; }
JAR="$1" CACHE="$2" LIMITS="$3"
shift 3

java_major() { # JAVA
  "$1" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

find_java25() {
  local candidate
  for candidate in "${AOT_JAVA:-}" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    if [ -z "$candidate" ] || [ ! -x "$candidate" ]; then continue; fi
    if [ "$(java_major "$candidate")" -ge 25 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! JAVA="$(find_java25)"; then
  echo "aot-cache: no JDK 25 or newer found (set AOT_JAVA to one); replicas start without an AOT cache" >&2
  exit 0
fi
STAMP="$CACHE.java"
RECORDED_WITH="$JAVA $*"
if [ -f "$CACHE" ] && [ "$CACHE" -nt "$JAR" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$RECORDED_WITH" ]; then
  echo "$JAVA"
  exit 0
fi
rm -f "$CACHE" "$STAMP"
echo "aot-cache: recording the AOT cache with $JAVA (one training run, a few seconds)" >&2
# Port 0: the training run takes no port another process may hold. Its log goes with the cache.
if "$JAVA" -XX:AOTCacheOutput="$CACHE" -jar "$JAR" --config "$LIMITS" --host 127.0.0.1 --grpc-port 0 \
    --http-port 0 --exit-when-ready "$@" > "$CACHE.log" 2>&1 && [ -f "$CACHE" ]; then
  echo "$RECORDED_WITH" > "$STAMP"
  echo "$JAVA"
else
  echo "aot-cache: the training run failed (see $CACHE.log); replicas start without an AOT cache" >&2
  rm -f "$CACHE"
fi
