# shellcheck shell=bash
# Sourced by the benchmark scripts: the two jars they run, which must be built first.
# Needs ROOT (the repository) and BENCH_NAME (for the message).
JAR="$ROOT/ratelimit-service/target/ratelimit-service.jar"
LOADGEN_JAR="$ROOT/loadgen/target/loadgen.jar"
for jar in "$JAR" "$LOADGEN_JAR"; do
  [ -f "$jar" ] || { echo "$BENCH_NAME: build first (mvn -B -q -DskipTests package)" >&2; exit 1; }
done
