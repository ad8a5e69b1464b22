package io.egressratelimit.config;

import java.util.List;
import java.util.Optional;

/** The reason text for a key the format does not know, with a guess when it looks like a typo. */
final class UnknownKey {
  private static final int MAX_TYPO_DISTANCE = 2;

  private UnknownKey() {}

  static String reason(String key, List<String> allowedKeys) {
    StringBuilder reason = new StringBuilder("unknown key '").append(key).append('\'');
    closest(key, allowedKeys).ifPresent(guess -> reason.append(" (did you mean '").append(guess).append("'?)"));
    return reason.append("; allowed keys: ").append(String.join(", ", allowedKeys)).toString();
  }

  private static Optional<String> closest(String key, List<String> candidates) {
    String best = null;
    int bestDistance = MAX_TYPO_DISTANCE + 1;
    for (String candidate : candidates) {
      int distance = editDistance(key, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Levenshtein distance: insertions, deletions and substitutions each cost one. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
