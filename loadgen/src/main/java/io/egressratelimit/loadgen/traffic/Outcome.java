package io.egressratelimit.loadgen.traffic;

/** What became of one call, as the caller saw it. */
public enum Outcome {
  /** The upstream answered 2xx (or, in rls mode without an upstream, the service said OK). */
  ADMITTED,
  /** 429 from the target, or OVER_LIMIT from the rate limit service. */
  REJECTED,
  /** A 5xx answer. */
  SERVER_ERROR,
  /** Any other status (3xx, 4xx other than 429). */
  OTHER_STATUS,
  /** No answer: connection refused, timeout, or a failed rate limit call denied by policy. */
  FAILED
}
