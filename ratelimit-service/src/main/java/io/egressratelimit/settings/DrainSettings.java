package io.egressratelimit.settings;

import java.time.Duration;
import java.util.Objects;

/**
 * What happens on SIGTERM.
 *
 * @param delay how long the service keeps answering while its health checks already fail, so load
 *     balancers and Kubernetes endpoints stop sending before it stops listening
 * @param period how long calls in flight then get to finish before they are cut
 */
public record DrainSettings(Duration delay, Duration period) {
  public DrainSettings {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(period, "period");
  }
}
