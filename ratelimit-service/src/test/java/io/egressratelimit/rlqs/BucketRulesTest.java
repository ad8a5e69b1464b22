package io.egressratelimit.rlqs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.config.ConfigParser;
import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.rlqs.ledger.QuotaBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BucketRulesTest {
  private static final String LIMITS = """
      domain: egress
      descriptors:
        - key: generic_key
          value: api
          rate_limit: {requests_per_unit: 60, period: 10s, algorithm: token_bucket, burst: 6, rlqs: true}
          descriptors:
            - key: caller
              rate_limit: {requests_per_unit: 20, period: 10s, algorithm: strict, burst: 4, rlqs: true}
        - key: generic_key
          value: rls
          rate_limit: {requests_per_unit: 60, period: 10s, algorithm: token_bucket}
      """;

  private final BucketRules rules = rules();

  private static BucketRules rules() {
    try {
      RateLimitConfig config = ConfigParser.parse("egress.yaml", LIMITS);
      return new BucketRules(() -> config);
    } catch (io.egressratelimit.config.ConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aBucketsEntriesAreTheDescriptorsEntries() {
    QuotaRule rule = rules.ruleFor("egress", Map.of("generic_key", "api")).orElseThrow();
    assertEquals(new QuotaBudget(6, 60, 10, true), rule.budget());
  }

  @Test
  void theMapsOrderDoesNotMatterAndAKeyOnlyRuleIsOneBudgetPerValue() {
    // "caller" sorts before "generic_key": the first order tried does not match, the second does.
    QuotaRule alice = rules.ruleFor("egress", Map.of("caller", "alice", "generic_key", "api")).orElseThrow();
    QuotaRule bob = rules.ruleFor("egress", Map.of("generic_key", "api", "caller", "bob")).orElseThrow();
    assertEquals(new QuotaBudget(4, 16, 10, false), alice.budget());
    assertTrue(!alice.ledgerKey().equals(bob.ledgerKey()), alice.ledgerKey() + " vs " + bob.ledgerKey());
  }

  @Test
  void withoutAnRlqsRuleThereIsNothingToAssign() {
    assertEquals(Optional.empty(), rules.ruleFor("egress", Map.of("generic_key", "rls")));
    assertEquals(Optional.empty(), rules.ruleFor("egress", Map.of("generic_key", "other")));
    assertEquals(Optional.empty(), rules.ruleFor("elsewhere", Map.of("generic_key", "api")));
  }

  @Test
  void everyOrderOfTheKeysIsTriedOnceAlphabetically() {
    List<String> keys = new ArrayList<>(List.of("a", "b", "c"));
    List<String> seen = new ArrayList<>();
    do {
      seen.add(String.join("", keys));
    } while (BucketRules.nextPermutation(keys));
    assertEquals(List.of("abc", "acb", "bac", "bca", "cab", "cba"), seen);
  }
}
