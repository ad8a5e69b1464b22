package io.egressratelimit.config;

import java.util.List;

/**
 * A descriptor value with {@code *} in it, anywhere and any number of times; each {@code *} matches
 * zero or more characters, as in envoyproxy/ratelimit ({@code /api/*}, {@code /api/*}{@code /action},
 * {@code *.example.com}). No regular expression is built, so a value from a request can never make
 * matching slow: the literal parts are found left to right, each at its first place, which is
 * enough when the only wildcard is {@code *}.
 */
final class WildcardPattern {
  private final List<String> literals;

  private WildcardPattern(List<String> literals) {
    this.literals = literals;
  }

  static boolean isPattern(String value) {
    return value.indexOf('*') >= 0;
  }

  static WildcardPattern of(String value) {
    return new WildcardPattern(List.of(value.split("\\*", -1)));
  }

  boolean matches(String value) {
    String first = literals.get(0);
    String last = literals.get(literals.size() - 1);
    if (!value.startsWith(first)) {
      return false;
    }
    int end = value.length() - last.length();
    if (end < first.length() || !value.endsWith(last)) {
      return false;
    }
    int from = first.length();
    for (int i = 1; i < literals.size() - 1; i++) {
      String literal = literals.get(i);
      int at = value.indexOf(literal, from);
      if (at < 0 || at + literal.length() > end) {
        return false;
      }
      from = at + literal.length();
    }
    return true;
  }
}
