package io.egressratelimit.rlqs.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The bookkeeping of one budget across the fleet: a pool of tokens not handed out, and every
 * assignment that may still be in use. The tokens in the pool plus those in every Envoy's bucket
 * never exceed the burst, and what refills them never exceeds the rate, which is the whole proof
 * (docs/rlqs.md, "The guarantee").
 *
 * <ul>
 *   <li>The pool refills at the rate no live assignment holds, up to the burst no live assignment holds.
 *   <li>A new token bucket may arrive full, so its burst is paid from the pool when it is handed out.
 *   <li>An unchanged assignment sent again before it can have expired is only renewed: Envoy keeps
 *       its bucket and tokens, so it costs nothing.
 *   <li>A replaced assignment stays live until D after its replacement was recorded; one not renewed,
 *       until TTL + D after it was last recorded.
 * </ul>
 *
 * <p>Times are µs on the ledger's one clock (Redis's, with Redis). Pool tokens are kept scaled by the
 * period in µs, so refill stays in whole numbers and rounds nothing up.
 */
public final class Ledger {
  long poolScaled;
  long poolAtMicros;
  long openAtMicros;
  long lastSeenMicros;
  final TreeMap<String, Subscriber> subscribers;
  /** Whether the last {@link #report} sent the held share again unchanged (not stored). */
  private boolean renewedLast;

  Ledger(long poolScaled, long poolAtMicros, long openAtMicros, long lastSeenMicros,
      Map<String, Subscriber> subscribers) {
    this.poolScaled = poolScaled;
    this.poolAtMicros = poolAtMicros;
    this.openAtMicros = openAtMicros;
    this.lastSeenMicros = lastSeenMicros;
    this.subscribers = new TreeMap<>(subscribers);
  }

  /**
   * A ledger with nothing handed out. It hands nothing out for TTL + D either: it may be one that
   * was lost (a Redis restart without persistence) while its assignments are still in use.
   */
  public static Ledger open(QuotaBudget budget, QuotaTiming timing, long nowMicros) {
    long openAt = nowMicros + timing.embargoMicros();
    return new Ledger(budget.startsFull() ? budget.scaled(budget.burst()) : 0, openAt, openAt, nowMicros, Map.of());
  }

  /**
   * Takes one report of a subscriber (an Envoy's bucket on one stream) and returns what to send it.
   *
   * @param requests allowed plus denied since its last report
   */
  public Share report(QuotaBudget budget, QuotaTiming timing, String subscriberId, long requests, long nowMicros) {
    long now = Math.max(nowMicros, lastSeenMicros);
    lastSeenMicros = now;
    advance(budget, now);
    Subscriber subscriber = subscribers.get(subscriberId);
    boolean first = subscriber == null;
    if (first) {
      subscriber = new Subscriber(0, now, Optional.empty(), List.of());
      subscribers.put(subscriberId, subscriber);
    }
    subscriber.reported(requests, now, first);
    if (now < openAtMicros) {
      return handOut(budget, timing, subscriber, Share.NONE, now);
    }
    Map<String, Double> weights = new TreeMap<>();
    subscribers.forEach((id, s) -> weights.put(id, s.weight()));
    Share target = ShareTargets.of(budget, weights).get(subscriberId);
    return decide(budget, timing, subscriberId, subscriber, target, now);
  }

  private Share decide(QuotaBudget budget, QuotaTiming timing, String id, Subscriber subscriber, Share target,
      long now) {
    Optional<Grant> current = subscriber.current;
    // Renewing is only safe while the renewal lands before Envoy's timer can have fired: after that
    // Envoy would build a new, full bucket from it.
    boolean renewable = current.isPresent() && now + timing.deliveryMicros() < current.get().sentMicros() + timing.ttlMicros();
    if (target.none()) {
      return renewable && current.get().share().none() ? renew(timing, subscriber, now)
          : handOut(budget, timing, subscriber, Share.NONE, now);
    }
    Share affordable = affordable(budget, id, target, now);
    if (renewable && !current.get().share().none()) {
      Share held = current.get().share();
      if (!held.farFrom(target)) {
        return renew(timing, subscriber, now);
      }
      if (affordable.none()) {
        return releasesRate(held, target) ? handOut(budget, timing, subscriber, Share.NONE, now)
            : renew(timing, subscriber, now);
      }
      if (!held.farFrom(affordable)) {
        return renew(timing, subscriber, now);
      }
    }
    return handOut(budget, timing, subscriber, affordable, now);
  }

  /**
   * Whether a share the pool cannot pay for must still give up the rate it holds. Renewing it would
   * keep that rate, and while the fleet's shares hold all of the rate the pool never refills: the
   * share that should shrink and the one that should grow would both wait for good. DENY_ALL costs
   * no burst, frees the rate D later, and the pool refills to pay the smaller share at a later report.
   */
  private static boolean releasesRate(Share held, Share target) {
    return target.tokensPerPeriod() < held.tokensPerPeriod();
  }

  /** The target, cut to the rate others leave free and the burst the pool holds; NONE when not even one token fits. */
  private Share affordable(QuotaBudget budget, String id, Share target, long now) {
    long heldByOthers = 0;
    for (Map.Entry<String, Subscriber> other : subscribers.entrySet()) {
      if (!other.getKey().equals(id)) {
        heldByOthers += other.getValue().reservedRateAt(now);
      }
    }
    long rate = Math.min(target.tokensPerPeriod(), budget.ratePerPeriod() - heldByOthers);
    long burst = Math.min(target.maxTokens(), poolScaled / budget.periodMicros());
    return rate < 1 || burst < 1 ? Share.NONE : new Share(burst, rate);
  }

  /** Whether the share the last {@link #report} returned was the held one, renewed unchanged. */
  public boolean renewedLast() {
    return renewedLast;
  }

  private Share renew(QuotaTiming timing, Subscriber subscriber, long now) {
    renewedLast = true;
    Grant held = subscriber.current.orElseThrow();
    subscriber.current = Optional.of(new Grant(held.share(), now, now + timing.embargoMicros()));
    return held.share();
  }

  private Share handOut(QuotaBudget budget, QuotaTiming timing, Subscriber subscriber, Share share, long now) {
    renewedLast = false;
    subscriber.current.ifPresent(held -> subscriber.retired.add(held.endingBy(now + timing.deliveryMicros())));
    poolScaled -= budget.scaled(share.maxTokens());
    subscriber.current = Optional.of(new Grant(share, now, now + timing.embargoMicros()));
    return share;
  }

  /**
   * Refills the pool up to {@code now}, piece by piece between the ends of assignments, at the
   * rate and up to the burst that the assignments live in each piece leave free; then forgets
   * what can no longer be in use.
   */
  void advance(QuotaBudget budget, long now) {
    if (now > poolAtMicros) {
      TreeSet<Long> ends = new TreeSet<>();
      for (Subscriber s : subscribers.values()) {
        for (Grant g : s.liveAt(poolAtMicros)) {
          if (g.endMicros() < now) {
            ends.add(g.endMicros());
          }
        }
      }
      ends.add(now);
      long from = poolAtMicros;
      for (long to : ends) {
        poolScaled = refilled(budget, from, to);
        from = to;
      }
      poolAtMicros = now;
    }
    subscribers.values().forEach(s -> s.forgetDeadAt(now));
    subscribers.values().removeIf(Subscriber::gone);
  }

  private long refilled(QuotaBudget budget, long from, long to) {
    long rate = budget.ratePerPeriod();
    long burst = budget.burst();
    for (Subscriber s : subscribers.values()) {
      rate -= s.reservedRateAt(from);
      burst -= s.reservedBurstAt(from);
    }
    long cap = budget.scaled(Math.max(0, burst));
    long added;
    try {
      added = Math.multiplyExact(Math.max(0, rate), to - from);
    } catch (ArithmeticException e) {
      added = cap;
    }
    return Math.min(cap, poolScaled + Math.min(added, cap));
  }

  /** The tokens in the pool, whole, as of the last report. */
  public long poolTokens(QuotaBudget budget) {
    return poolScaled / budget.periodMicros();
  }

  /** The sum of the rates every assignment that may be in use at {@code micros} holds. */
  public long reservedRate(long micros) {
    return subscribers.values().stream().mapToLong(s -> s.reservedRateAt(micros)).sum();
  }

  /** The sum of the bursts every assignment that may be in use at {@code micros} holds (or is paid for). */
  public long reservedBurst(long micros) {
    return subscribers.values().stream().mapToLong(s -> s.reservedBurstAt(micros)).sum();
  }

  public List<String> subscriberIds() {
    return new ArrayList<>(subscribers.keySet());
  }
}
