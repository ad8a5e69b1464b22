package io.egressratelimit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each malformed fixture in {@code config/invalid/} fails with exactly one readable message. */
class InvalidConfigTest {
  private static final String FIXTURES = "/config/invalid/";

  static Stream<Arguments> fixtures() {
    return Stream.of(
        fixture("bad-period",
            "bad-period.yaml: descriptors[0].rate_limit.period: invalid period '30 seconds'; expected a whole positive number with a suffix s, m, h, d or w, e.g. 30s (line 5)"),
        fixture("refill-faster-than-a-nanosecond",
            "refill-faster-than-a-nanosecond.yaml: descriptors[0].rate_limit.requests_per_unit: at most one request per nanosecond can be limited (1000000000 per 1s), got 4000000000 (line 6)"),
        fixture("rlqs-fixed-window",
            "rlqs-fixed-window.yaml: descriptors[0].rate_limit.rlqs: rlqs needs algorithm token_bucket or strict: Envoy's token buckets cannot hold a fixed window (line 7)"),
        fixture("rlqs-shadow-mode",
            "rlqs-shadow-mode.yaml: descriptors[0].shadow_mode: shadow_mode cannot be combined with rlqs: Envoy enforces an RLQS share itself (line 4)"),
        fixture("rlqs-unlimited",
            "rlqs-unlimited.yaml: descriptors[0].rate_limit.rlqs: rlqs needs a limit to split between Envoys; unlimited has none (line 6)"),
        fixture("reservation-without-post-paid",
            "reservation-without-post-paid.yaml: descriptors[0].rate_limit.reservation: reservation applies only to a post_paid budget (line 7)"),
        fixture("reservation-above-capacity",
            "reservation-above-capacity.yaml: descriptors[0].rate_limit.reservation: reservation must be at least 1 and at most the bucket's capacity (20000, burst), got 30000 (line 10)"),
        fixture("post-paid-rlqs",
            "post-paid-rlqs.yaml: descriptors[0].rate_limit.post_paid: post_paid cannot be combined with rlqs: Envoy spends an RLQS share itself and reports no cost (line 9)"),
        fixture("bad-unit",
            "bad-unit.yaml: descriptors[0].rate_limit.unit: invalid rate limit unit 'minutes'; expected one of second, minute, hour, day, week, month, year (line 5)"),
        fixture("boolean-wrong-type",
            "boolean-wrong-type.yaml: descriptors[0].shadow_mode: expected true or false, got 'yes please' (line 4)"),
        fixture("burst-with-fixed-window",
            "burst-with-fixed-window.yaml: descriptors[0].rate_limit.burst: burst applies only to token_bucket and strict; fixed_window admits requests_per_unit per window (line 7)"),
        fixture("descriptor-not-a-map",
            "descriptor-not-a-map.yaml: descriptors[0]: expected a map, got 'generic_key' (line 3)"),
        fixture("descriptors-not-a-list",
            "descriptors-not-a-list.yaml: descriptors: expected a list of descriptors, got a map (line 3)"),
        fixture("duplicate-descriptor",
            "duplicate-descriptor.yaml: descriptors[1]: duplicate descriptor composite key 'geocode.generic_key_geocode'; first defined at descriptors[0] (line 6)"),
        fixture("duplicate-rule-name",
            "duplicate-rule-name.yaml: descriptors[1].rate_limit.name: duplicate rule name 'budget' in domain 'geocode'; first used at descriptors[0].rate_limit.name (line 11)"),
        fixture("duplicate-yaml-key",
            "duplicate-yaml-key.yaml: descriptors[0].value: duplicate key 'value', first defined at line 4 (line 5)"),
        fixture("empty-domain",
            "empty-domain.yaml: domain: config file cannot have an empty domain (line 1)"),
        fixture("empty-file",
            "empty-file.yaml: (document): the file is empty; expected a map with 'domain' and 'descriptors'"),
        fixture("empty-key",
            "empty-key.yaml: descriptors[0].key: descriptor has an empty key (line 3)"),
        fixture("fractional-requests",
            "fractional-requests.yaml: descriptors[0].rate_limit.requests_per_unit: expected a whole number, got '1.5' (line 6)"),
        fixture("key-with-wildcard",
            "key-with-wildcard.yaml: descriptors[0].key: '*' is not allowed in a key; a wildcard goes in a value (line 3)"),
        fixture("metadata-not-a-map",
            "metadata-not-a-map.yaml: descriptors[0].metadata: expected a map, got a list (line 5)"),
        fixture("metadata-not-finite",
            "metadata-not-finite.yaml: descriptors[0].metadata.weights[1]: metadata numbers must be finite, got '.inf' (line 7)"),
        fixture("metadata-key-not-text",
            "metadata-key-not-text.yaml: descriptors[0].metadata: a key must be plain text, got a list (line 5)"),
        fixture("missing-domain",
            "missing-domain.yaml: domain: missing; every file names the domain of its descriptors (line 1)"),
        fixture("missing-key",
            "missing-key.yaml: descriptors[0].key: missing; every descriptor needs a key (line 3)"),
        fixture("missing-requests",
            "missing-requests.yaml: descriptors[0].rate_limit.requests_per_unit: missing; a limit needs requests_per_unit (or unlimited: true) (line 5)"),
        fixture("missing-unit",
            "missing-unit.yaml: descriptors[0].rate_limit.unit: missing; expected one of second, minute, hour, day, week, month, year (or a period such as 30s, or unlimited: true) (line 5)"),
        fixture("multiple-documents",
            "multiple-documents.yaml: (document): invalid YAML: expected a single document in the stream, but found another document (line 2)"),
        fixture("negative-requests",
            "negative-requests.yaml: descriptors[0].rate_limit.requests_per_unit: must not be negative, got -5 (line 6)"),
        fixture("period-with-unit",
            "period-with-unit.yaml: descriptors[0].rate_limit.period: period and unit are exclusive; keep one of them (line 6)"),
        fixture("quoted-requests",
            "quoted-requests.yaml: descriptors[0].rate_limit.requests_per_unit: expected a whole number, got '100' (quoted, so text) (line 6)"),
        fixture("rate-limit-not-a-map",
            "rate-limit-not-a-map.yaml: descriptors[0].rate_limit: expected a map, got '100' (line 4)"),
        fixture("replaces-empty-name",
            "replaces-empty-name.yaml: descriptors[0].rate_limit.replaces[0].name: must not be empty (line 8)"),
        fixture("replaces-itself",
            "replaces-itself.yaml: descriptors[0].rate_limit.replaces[0].name: a rule cannot replace itself ('per_caller') (line 9)"),
        fixture("replaces-unknown-name",
            "replaces-unknown-name.yaml: descriptors[1].rate_limit.replaces[0].name: replaces 'globel', but no rule in domain 'geocode' has that name (line 14)"),
        fixture("reserved-domain",
            "reserved-domain.yaml: domain: domain '_ratelimit_warmup' is reserved for the service's own warm-up calls; name the domain otherwise (line 1)"),
        fixture("requests-too-large",
            "requests-too-large.yaml: descriptors[0].rate_limit.requests_per_unit: must be at most 4294967295, got 5000000000 (line 6)"),
        fixture("shadow-mode-without-rate-limit",
            "shadow-mode-without-rate-limit.yaml: descriptors[0].shadow_mode: shadow_mode has no effect on a descriptor without a rate_limit (line 5)"),
        fixture("share-threshold-without-wildcard",
            "share-threshold-without-wildcard.yaml: descriptors[0].share_threshold: share_threshold applies only to a wildcard value (one with '*'); descriptor 'path_/maps/api' has none (line 5)"),
        fixture("strict-burst-too-large",
            "strict-burst-too-large.yaml: descriptors[0].rate_limit.burst: strict needs a burst of at least 1 and below requests_per_unit (5), got 5 (line 8)"),
        fixture("strict-too-few-requests",
            "strict-too-few-requests.yaml: descriptors[0].rate_limit.requests_per_unit: strict needs requests_per_unit of at least 2, got 1 (line 6)"),
        fixture("token-bucket-zero-burst",
            "token-bucket-zero-burst.yaml: descriptors[0].rate_limit.burst: token_bucket needs a burst of at least 1, got 0 (line 8)"),
        fixture("top-level-list",
            "top-level-list.yaml: (document): expected a map with 'domain' and 'descriptors', got a list (line 1)"),
        fixture("unknown-algorithm",
            "unknown-algorithm.yaml: descriptors[0].rate_limit.algorithm: unknown algorithm 'leaky_bucket'; expected one of fixed_window, token_bucket, strict (line 7)"),
        fixture("unknown-descriptor-key",
            "unknown-descriptor-key.yaml: descriptors[0].rate_limt: unknown key 'rate_limt' (did you mean 'rate_limit'?); allowed keys: key, value, rate_limit, descriptors, shadow_mode, quota_mode, detailed_metric, value_to_metric, share_threshold, metadata (line 5)"),
        fixture("unknown-rate-limit-key",
            "unknown-rate-limit-key.yaml: descriptors[0].rate_limit.requests_per_minute: unknown key 'requests_per_minute'; allowed keys: unit, requests_per_unit, unlimited, name, replaces, unit_multiplier, period, algorithm, burst, rlqs, post_paid, reservation (line 6)"),
        fixture("unknown-top-level-key",
            "unknown-top-level-key.yaml: domian: unknown key 'domian' (did you mean 'domain'?); allowed keys: domain, descriptors (line 1)"),
        fixture("unlimited-with-requests",
            "unlimited-with-requests.yaml: descriptors[0].rate_limit.requests_per_unit: should not specify requests_per_unit when unlimited is true (line 6)"),
        fixture("unlimited-with-unit",
            "unlimited-with-unit.yaml: descriptors[0].rate_limit.unit: should not specify unit when unlimited is true (line 6)"),
        fixture("value-control-character",
            "value-control-character.yaml: descriptors[0].value: must not contain control characters such as a line break (line 4)"),
        fixture("zero-unit-multiplier",
            "zero-unit-multiplier.yaml: descriptors[0].rate_limit.unit_multiplier: unit_multiplier must be at least 1, got 0 (line 9)"),
        fixture("unit-multiplier-with-period",
            "unit-multiplier-with-period.yaml: descriptors[0].rate_limit.unit_multiplier: unit_multiplier multiplies unit; with period, write the whole period instead (line 6)"),
        fixture("unit-multiplier-too-long",
            "unit-multiplier-too-long.yaml: descriptors[0].rate_limit.unit_multiplier: unit_multiplier makes a window longer than 100 years (4294967295 years) (line 6)"),
        fixture("yaml-syntax-error",
            "yaml-syntax-error.yaml: (document): invalid YAML: while parsing a flow mapping, expected ',' or '}', but got <stream end> (line 5)"));
  }

  private static Arguments fixture(String name, String message) {
    return Arguments.of(name, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void failsWithExactMessage(String name, String expectedMessage) throws IOException {
    String fileName = name + ".yaml";
    String yaml = read(fileName);

    ConfigException error = assertThrows(ConfigException.class, () -> ConfigParser.parse(fileName, yaml));

    assertEquals(expectedMessage, error.getMessage());
  }

  @Test
  void everyFixtureHasAnExpectedMessage() throws IOException, URISyntaxException {
    Path directory = Path.of(InvalidConfigTest.class.getResource(FIXTURES).toURI());
    Set<String> onDisk;
    try (Stream<Path> files = Files.list(directory)) {
      onDisk = files.map(file -> file.getFileName().toString().replace(".yaml", "")).collect(Collectors.toSet());
    }
    Set<String> expected = fixtures().map(arguments -> (String) arguments.get()[0]).collect(Collectors.toSet());

    assertEquals(onDisk, expected);
  }

  private static String read(String fileName) throws IOException {
    try (InputStream in = InvalidConfigTest.class.getResourceAsStream(FIXTURES + fileName)) {
      if (in == null) {
        throw new IOException("missing fixture " + fileName);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
