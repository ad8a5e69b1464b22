package io.egressratelimit.envoyconfig;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Calls through a fleet's Envoys for several RLQS budgets at once (the x-budget header), each at a
 * steady rate, all of it through one Envoy at a time; every answer is kept with its time.
 */
final class QuotaTraffic implements AutoCloseable {
  /** One call: when it was answered (System.nanoTime), through which Envoy, and its status (-1: no answer). */
  record Call(long atNanos, String budget, int envoy, int status) {}

  private final List<GatewayCalls> envoys = new ArrayList<>();
  private final ScheduledExecutorService callers;
  private final List<Call> calls = new ArrayList<>();
  private volatile int target;

  private QuotaTraffic(EnvoyFleet fleet, int budgets) {
    for (int i = 0; i < fleet.envoys().size(); i++) {
      envoys.add(fleet.calls(i));
    }
    callers = Executors.newScheduledThreadPool(budgets, r -> {
      Thread thread = new Thread(r, "quota-traffic");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts calling, each budget {@code perSecond} times a second, through the first Envoy. */
  static QuotaTraffic start(EnvoyFleet fleet, List<String> budgets, int perSecond) {
    QuotaTraffic traffic = new QuotaTraffic(fleet, budgets.size());
    long period = 1_000_000_000L / perSecond;
    for (String budget : budgets) {
      traffic.callers.scheduleAtFixedRate(() -> traffic.call(budget), 0, period, TimeUnit.NANOSECONDS);
    }
    return traffic;
  }

  private void call(String budget) {
    int envoy = target;
    int status;
    try {
      status = envoys.get(envoy).call(QuotaFleetConfig.HEADER, budget).statusCode();
    } catch (Exception e) {
      status = -1;
    }
    record(new Call(System.nanoTime(), budget, envoy, status));
  }

  private synchronized void record(Call call) {
    calls.add(call);
  }

  /** From now on every call goes through this Envoy (from 0); returns when, in System.nanoTime. */
  long moveTo(int envoy) {
    target = envoy;
    return System.nanoTime();
  }

  synchronized long admitted(String budget, int envoy, long sinceNanos) {
    return calls.stream().filter(c -> c.budget().equals(budget) && c.envoy() == envoy && c.status() == 200
        && c.atNanos() >= sinceNanos).count();
  }

  /** The longest time between two admitted calls through the Envoy since then (or since then and the last call). */
  synchronized long longestGap(String budget, int envoy, long sinceNanos) {
    long last = sinceNanos;
    long longest = 0;
    for (Call c : calls) {
      if (c.budget().equals(budget) && c.envoy() == envoy && c.status() == 200 && c.atNanos() >= sinceNanos) {
        longest = Math.max(longest, c.atNanos() - last);
        last = c.atNanos();
      }
    }
    return longest;
  }

  void stop() {
    callers.shutdownNow();
  }

  @Override
  public void close() {
    stop();
  }
}
