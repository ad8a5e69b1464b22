package io.egressratelimit.loadgen.bench;

/** What one call came back with. */
enum Answer {
  /** overall_code OK. */
  OK,
  /** overall_code OVER_LIMIT. */
  OVER,
  /** a gRPC error, a lost connection, an unreadable answer or none in time. */
  ERROR
}
