package io.egressratelimit.testing;

/**
 * Checks that admissions, taken in time order, never exceed {@code burst + rate × t} in any interval
 * of length t (and, for a bound that starts empty, {@code rate × t} from the start): the least
 * bucket that would hold them must stay within the burst (Lindley's recursion).
 */
public final class TokenBucketBound {
  private final double burst;
  private final double ratePerSecond;
  private double backlog;
  private double lastAt;
  private double worst;
  private long admitted;

  /** @param startAt when the budget opened (seconds); a budget that starts empty has spent its burst then */
  public TokenBucketBound(long burst, long ratePerPeriod, long periodSeconds, boolean startsFull, double startAt) {
    this.burst = burst;
    this.ratePerSecond = (double) ratePerPeriod / periodSeconds;
    this.backlog = startsFull ? 0 : burst;
    this.lastAt = startAt;
  }

  /** One admission at {@code now} (seconds; never earlier than the last). */
  public synchronized void admitted(double now) {
    backlog = Math.max(0, backlog - Math.max(0, now - lastAt) * ratePerSecond);
    lastAt = now;
    backlog += 1;
    worst = Math.max(worst, backlog);
    admitted++;
  }

  /** Whether every admission so far fits (with a hair for floating point). */
  public synchronized boolean held() {
    return worst <= burst + 1e-6;
  }

  /** The fullest the least bucket holding the admissions has been; at most the burst when the bound held. */
  public synchronized double worst() {
    return worst;
  }

  public synchronized long admittedCount() {
    return admitted;
  }
}
