package io.egressratelimit.envoyconfig;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.ServiceProcess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Each Envoy's share of each RLQS budget over time, as the replicas' {@code /budgets} shows it
 * (polled a few times a second): the service's own record of what it assigned, by the address each
 * Envoy connects from ({@link EnvoyFleet.Builder#ownAddresses}).
 */
final class ShareWatch implements AutoCloseable {
  private static final long POLL_MILLIS = 250;

  /** A share seen: when (System.nanoTime), which budget (generic_key value), which Envoy (from 0), its rate per period. */
  record Seen(long atNanos, String budget, int envoy, long tokensPerPeriod) {}

  private final EnvoyFleet fleet;
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "share-watch");
    thread.setDaemon(true);
    return thread;
  });
  private final List<Seen> seen = new ArrayList<>();
  private volatile String last = "";

  private ShareWatch(EnvoyFleet fleet) {
    this.fleet = fleet;
  }

  static ShareWatch start(EnvoyFleet fleet) {
    ShareWatch watch = new ShareWatch(fleet);
    watch.poller.scheduleWithFixedDelay(watch::poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    return watch;
  }

  /** Every replica's view: a replica lists only the budgets its own streams reported. */
  private void poll() {
    long now = System.nanoTime();
    Map<String, long[]> held = new HashMap<>();
    boolean any = false;
    for (ServiceProcess replica : List.copyOf(fleet.replicas())) {
      try {
        JsonObject budgets = JsonParser.parseString(Http.get(replica.httpPort(), "/budgets").body()).getAsJsonObject();
        for (JsonElement rule : budgets.getAsJsonArray("rules")) {
          if (!rule.getAsJsonObject().has("rlqs")) {
            continue;
          }
          for (JsonElement ledger : rule.getAsJsonObject().getAsJsonArray("rlqs")) {
            String budget = ledger.getAsJsonObject().get("bucket").getAsString().replace("generic_key=", "");
            long[] rates = held.computeIfAbsent(budget, b -> new long[fleet.envoys().size()]);
            any = true;
            for (JsonElement share : ledger.getAsJsonObject().getAsJsonArray("shares")) {
              int envoy = envoyOf(share.getAsJsonObject().get("envoy").getAsString());
              if (envoy >= 0) {
                rates[envoy] = Math.max(rates[envoy], share.getAsJsonObject().get("tokensPerPeriod").getAsLong());
              }
            }
          }
        }
      } catch (RuntimeException e) {
        // a replica restarting answers nothing for a while: the other one's view still counts
      }
    }
    if (any) {
      record(now, held);
    }
  }

  private int envoyOf(String address) {
    for (int i = 0; i < fleet.envoys().size(); i++) {
      if (address.startsWith(EnvoyFleet.address(i) + ":")) {
        return i;
      }
    }
    return -1;
  }

  private synchronized void record(long now, Map<String, long[]> held) {
    held.forEach((budget, rates) -> {
      for (int envoy = 0; envoy < rates.length; envoy++) {
        seen.add(new Seen(now, budget, envoy, rates[envoy]));
      }
    });
    last = held.entrySet().stream().map(e -> e.getKey() + "=" + java.util.Arrays.toString(e.getValue())).toList().toString();
  }

  String last() {
    return last;
  }

  /** The Envoy's share of the budget as last seen. */
  synchronized long held(String budget, int envoy) {
    return heldAt(budget, envoy, Long.MAX_VALUE);
  }

  /** The Envoy's share of the budget as last seen before then. */
  synchronized long heldAt(String budget, int envoy, long nanos) {
    long rate = 0;
    for (Seen s : seen) {
      if (s.budget().equals(budget) && s.envoy() == envoy && s.atNanos() < nanos) {
        rate = s.tokensPerPeriod();
      }
    }
    return rate;
  }

  /**
   * Seconds from {@code sinceNanos} until the Envoy's share of the budget was first seen at
   * {@code rate} or more (after it was first seen below it, when {@code afterLosingIt}); -1 if never.
   */
  synchronized double reached(String budget, int envoy, double rate, long sinceNanos, boolean afterLosingIt) {
    boolean lost = !afterLosingIt;
    for (Seen s : seen) {
      if (!s.budget().equals(budget) || s.envoy() != envoy || s.atNanos() < sinceNanos) {
        continue;
      }
      if (s.tokensPerPeriod() < rate) {
        lost = true;
      } else if (lost) {
        return (s.atNanos() - sinceNanos) / 1e9;
      }
    }
    return -1;
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
