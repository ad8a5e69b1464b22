package io.egressratelimit.loadgen.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryHintsTest {
  private static final Instant NOW = Instant.parse("2015-10-21T07:28:00Z");

  @Test
  void retryAfterInSeconds() {
    assertEquals(Optional.of(Duration.ofSeconds(120)), RetryHints.parseRetryAfter("120", NOW));
    assertEquals(Optional.of(Duration.ZERO), RetryHints.parseRetryAfter(" 0 ", NOW));
  }

  @Test
  void retryAfterAsHttpDate() {
    assertEquals(
        Optional.of(Duration.ofSeconds(90)),
        RetryHints.parseRetryAfter("Wed, 21 Oct 2015 07:29:30 GMT", NOW));
  }

  @Test
  void retryAfterDateInThePastMeansNow() {
    assertEquals(
        Optional.of(Duration.ZERO), RetryHints.parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", NOW));
  }

  @Test
  void retryAfterThatDoesNotParseIsIgnored() {
    assertEquals(Optional.empty(), RetryHints.parseRetryAfter("soon", NOW));
    assertEquals(Optional.empty(), RetryHints.parseRetryAfter("-5", NOW));
    assertEquals(Optional.empty(), RetryHints.parseRetryAfter("1.5", NOW));
    assertEquals(Optional.empty(), RetryHints.parseRetryAfter("", NOW));
    assertEquals(Optional.empty(), RetryHints.parseRetryAfter("99999999999999999999999", NOW));
  }

  @Test
  void rateLimitResetInSecondsAsEnvoySendsIt() {
    assertEquals(Optional.of(Duration.ofSeconds(7)), RetryHints.parseRateLimitReset("7", NOW));
    assertEquals(Optional.of(Duration.ofMillis(1_500)), RetryHints.parseRateLimitReset("1.5", NOW));
  }

  @Test
  void rateLimitResetAsUnixTime() {
    String inTenSeconds = Long.toString(NOW.getEpochSecond() + 10);
    assertEquals(Optional.of(Duration.ofSeconds(10)), RetryHints.parseRateLimitReset(inTenSeconds, NOW));
    String past = Long.toString(NOW.getEpochSecond() - 10);
    assertEquals(Optional.of(Duration.ZERO), RetryHints.parseRateLimitReset(past, NOW));
  }

  @Test
  void rateLimitResetThatDoesNotParseIsIgnored() {
    assertEquals(Optional.empty(), RetryHints.parseRateLimitReset("abc", NOW));
    assertEquals(Optional.empty(), RetryHints.parseRateLimitReset("-1", NOW));
  }

  @Test
  void retryAfterWinsOverRateLimitReset() {
    Map<String, String> headers = Map.of("Retry-After", "3", "X-RateLimit-Reset", "9");
    assertEquals(Optional.of(Duration.ofSeconds(3)), RetryHints.fromHeaders(name -> Optional.ofNullable(headers.get(name)), NOW));
  }

  @Test
  void rateLimitResetIsUsedWhenRetryAfterIsMissingOrBroken() {
    Map<String, String> broken = Map.of("Retry-After", "later", "X-RateLimit-Reset", "9");
    assertEquals(Optional.of(Duration.ofSeconds(9)), RetryHints.fromHeaders(name -> Optional.ofNullable(broken.get(name)), NOW));
    Map<String, String> onlyReset = Map.of("X-RateLimit-Reset", "4");
    assertEquals(Optional.of(Duration.ofSeconds(4)), RetryHints.fromHeaders(name -> Optional.ofNullable(onlyReset.get(name)), NOW));
  }

  @Test
  void noHeadersNoHint() {
    assertEquals(Optional.empty(), RetryHints.fromHeaders(name -> Optional.empty(), NOW));
  }
}
