package io.egressratelimit.rlqs.ledger;

/**
 * One assignment the ledger handed out, for as long as Envoy may still be using it.
 *
 * @param share what it allows
 * @param sentMicros when it was last recorded (handed out or renewed unchanged), on the ledger's clock
 * @param endMicros after this it is certainly no longer in use: at most TTL + D after it was last
 *     recorded, or D after a replacement was recorded
 */
record Grant(Share share, long sentMicros, long endMicros) {
  boolean liveAt(long micros) {
    return endMicros > micros;
  }

  Grant endingBy(long micros) {
    return new Grant(share, sentMicros, Math.min(endMicros, micros));
  }
}
