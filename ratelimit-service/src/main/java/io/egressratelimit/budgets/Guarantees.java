package io.egressratelimit.budgets;

import io.egressratelimit.domain.LimitPolicy;
import java.util.Locale;

/** What a limit promises, in one plain sentence with its own numbers (the README's algorithm table). */
public final class Guarantees {
  private Guarantees() {}

  public static String of(LimitPolicy policy) {
    long n = policy.requestsPerPeriod();
    long b = policy.burst();
    String window = window(policy);
    return switch (policy.algorithm()) {
      case FIXED_WINDOW -> "at most " + n + " in each epoch-aligned " + window + " window; two adjacent windows can"
          + " admit " + n + " each back to back";
      case TOKEN_BUCKET -> "at most " + b + " + " + n + " × t / " + window + " in any interval of length t: bursts up"
          + " to " + b + ", sustained " + n + " per " + window;
      case STRICT -> "at most " + n + " in any sliding " + window + " window; bursts up to " + b + ", sustained "
          + (n - b) + " per " + window + "; starts empty";
    };
  }

  /** {@code minute}, or {@code 10s} for a period that is no calendar unit. */
  public static String window(LimitPolicy policy) {
    return policy.unit().map(u -> u.name().toLowerCase(Locale.ROOT)).orElseGet(() -> policy.period().toSeconds() + "s");
  }
}
