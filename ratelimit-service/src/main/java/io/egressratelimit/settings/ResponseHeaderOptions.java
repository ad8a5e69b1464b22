package io.egressratelimit.settings;

import io.egressratelimit.rls.RateLimitHeaders;
import java.util.Optional;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;

/** The budget headers of envoyproxy/ratelimit: whether to add them, and their names. */
public final class ResponseHeaderOptions {
  @Option(names = "--limit-response-headers-enabled", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:LIMIT_RESPONSE_HEADERS_ENABLED:-false}",
      description = "Add the limit, remaining and reset headers of the descriptor closest to its limit to every "
          + "answer, through response_headers_to_add. Env: LIMIT_RESPONSE_HEADERS_ENABLED.")
  boolean enabled;

  @Option(names = "--limit-limit-header", defaultValue = "${env:LIMIT_LIMIT_HEADER:-RateLimit-Limit}",
      paramLabel = "NAME", description = "Header with the limit (requests per period). Env: LIMIT_LIMIT_HEADER.")
  String limitHeader;

  @Option(names = "--limit-remaining-header", defaultValue = "${env:LIMIT_REMAINING_HEADER:-RateLimit-Remaining}",
      paramLabel = "NAME", description = "Header with the requests remaining. Env: LIMIT_REMAINING_HEADER.")
  String remainingHeader;

  @Option(names = "--limit-reset-header", defaultValue = "${env:LIMIT_RESET_HEADER:-RateLimit-Reset}",
      paramLabel = "NAME", description = "Header with the seconds until the answer changes. Env: LIMIT_RESET_HEADER.")
  String resetHeader;

  Optional<RateLimitHeaders> toSettings() {
    if (!enabled) {
      return Optional.empty();
    }
    return Optional.of(new RateLimitHeaders(
        SettingChecks.headerName("--limit-limit-header (LIMIT_LIMIT_HEADER)", limitHeader.trim()),
        SettingChecks.headerName("--limit-remaining-header (LIMIT_REMAINING_HEADER)", remainingHeader.trim()),
        SettingChecks.headerName("--limit-reset-header (LIMIT_RESET_HEADER)", resetHeader.trim())));
  }
}
