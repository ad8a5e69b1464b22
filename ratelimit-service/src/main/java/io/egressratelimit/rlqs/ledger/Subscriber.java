package io.egressratelimit.rlqs.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One Envoy's bucket on one stream, as the ledger knows it: the demand it reports, the assignment it
 * was last sent, and the replaced ones it may still be using until they are certainly gone.
 */
final class Subscriber {
  /** Every subscriber counts at least this much demand, so an idle one keeps a small share. */
  static final double MIN_DEMAND_PER_SECOND = 0.1;

  double demandPerSecond;
  long lastReportMicros;
  Optional<Grant> current;
  final List<Grant> retired;

  Subscriber(double demandPerSecond, long lastReportMicros, Optional<Grant> current, List<Grant> retired) {
    this.demandPerSecond = demandPerSecond;
    this.lastReportMicros = lastReportMicros;
    this.current = current;
    this.retired = new ArrayList<>(retired);
  }

  double weight() {
    return Math.max(demandPerSecond, MIN_DEMAND_PER_SECOND);
  }

  /**
   * A report of {@code requests} (allowed and denied) since the last one: the demand is what it shows,
   * timed on the ledger's clock (Envoy's own {@code time_elapsed} is in whole seconds). Shares move only
   * when they are well off their target, which absorbs the noise.
   */
  void reported(long requests, long nowMicros, boolean first) {
    double seconds = first ? 1.0 : Math.max(0.25, (nowMicros - lastReportMicros) / 1e6);
    demandPerSecond = requests / seconds;
    lastReportMicros = nowMicros;
  }

  /** Every grant that may still be in use at {@code micros}. */
  List<Grant> liveAt(long micros) {
    List<Grant> live = new ArrayList<>();
    current.filter(g -> g.liveAt(micros)).ifPresent(live::add);
    retired.stream().filter(g -> g.liveAt(micros)).forEach(live::add);
    return live;
  }

  /** Envoy runs one of these at a time, so the rate held for this subscriber is the largest. */
  long reservedRateAt(long micros) {
    return liveAt(micros).stream().mapToLong(g -> g.share().tokensPerPeriod()).max().orElse(0);
  }

  /** Each of these may have arrived full, or be on its way with tokens paid for, so bursts add up. */
  long reservedBurstAt(long micros) {
    return liveAt(micros).stream().mapToLong(g -> g.share().maxTokens()).sum();
  }

  void forgetDeadAt(long micros) {
    retired.removeIf(g -> !g.liveAt(micros));
    current = current.filter(g -> g.liveAt(micros));
  }

  boolean gone() {
    return current.isEmpty() && retired.isEmpty();
  }
}
