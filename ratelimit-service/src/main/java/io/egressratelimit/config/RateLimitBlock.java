package io.egressratelimit.config;

import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.domain.PostPaid;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One {@code rate_limit} block: its policy (empty when {@code unlimited}), its name and the names it
 * replaces. Names keep their place in the file so that domain-wide checks can point at them.
 *
 * @param policy the budget; empty for {@code unlimited: true}
 * @param name the rule's name, for {@code replaces} in other rules
 * @param replaces the names this rule replaces
 * @param rlqs whether the rule is also a budget that the Rate Limit Quota Service splits between Envoys
 * @param postPaid {@code post_paid: true}, with its {@code reservation}: hits are charged after the call
 */
record RateLimitBlock(Optional<LimitPolicy> policy, Optional<NamedRef> name, List<NamedRef> replaces, boolean rlqs,
    Optional<PostPaid> postPaid) {

  /** A rule name as written, with where it was written. */
  record NamedRef(String name, YamlValue at) {}

  static final List<String> KEYS = List.of(
      "unit", "requests_per_unit", "unlimited", "name", "replaces", "unit_multiplier", "period", "algorithm", "burst", "rlqs",
      "post_paid", "reservation");
  /** An RLQS budget is kept scaled by its period in µs; this keeps it far inside a long. */
  private static final double MAX_RLQS_SCALED = Long.MAX_VALUE / 4.0;
  private static final List<String> REPLACES_KEYS = List.of("name");
  /** What {@code unlimited: true} leaves nothing to say about. */
  private static final List<String> NUMBERS =
      List.of("unit", "requests_per_unit", "unit_multiplier", "period", "algorithm", "burst", "post_paid", "reservation");

  static RateLimitBlock read(YamlValue value) throws ConfigException {
    YamlMap block = YamlMap.read(value, KEYS);
    Optional<NamedRef> name = name(block);
    List<NamedRef> replaces = replaces(block, name);
    if (block.flag("unlimited")) {
      for (String key : NUMBERS) {
        Optional<YamlValue> present = block.get(key);
        if (present.isPresent()) {
          throw present.get().error("should not specify " + key + " when unlimited is true");
        }
      }
      if (block.flag("rlqs")) {
        throw block.get("rlqs").orElseThrow().error("rlqs needs a limit to split between Envoys; unlimited has none");
      }
      return new RateLimitBlock(Optional.empty(), name, replaces, false, Optional.empty());
    }
    LimitPolicy policy = LimitPolicyReader.read(block);
    boolean rlqs = block.flag("rlqs");
    if (rlqs) {
      checkSplittable(block.get("rlqs").orElseThrow(), policy);
    }
    return new RateLimitBlock(Optional.of(policy), name, replaces, rlqs, postPaid(block, policy, rlqs));
  }

  /**
   * {@code post_paid: true} and its {@code reservation} (default 1: admit while the budget is
   * positive). A reservation must fit in the bucket, or no call could ever be admitted.
   */
  private static Optional<PostPaid> postPaid(YamlMap block, LimitPolicy policy, boolean rlqs) throws ConfigException {
    Optional<YamlValue> reservation = block.get("reservation");
    if (!block.flag("post_paid")) {
      if (reservation.isPresent()) {
        throw reservation.get().error("reservation applies only to a post_paid budget");
      }
      return Optional.empty();
    }
    if (rlqs) {
      throw block.get("post_paid").orElseThrow().error(
          "post_paid cannot be combined with rlqs: Envoy spends an RLQS share itself and reports no cost");
    }
    if (reservation.isEmpty()) {
      return Optional.of(PostPaid.WHILE_POSITIVE);
    }
    long tokens = LimitPolicyReader.count(reservation.get());
    long capacity = policy.burst();
    if (tokens < 1 || tokens > capacity) {
      throw reservation.get().error("reservation must be at least 1 and at most the bucket's capacity (" + capacity
          + (policy.algorithm() == io.egressratelimit.domain.Algorithm.FIXED_WINDOW ? ", requests_per_unit" : ", burst")
          + "), got " + tokens);
    }
    return Optional.of(new PostPaid(tokens));
  }

  /** Envoy's token buckets can hold a token_bucket or strict budget, in whole seconds; not a fixed window. */
  private static void checkSplittable(YamlValue at, LimitPolicy policy) throws ConfigException {
    if (policy.algorithm() == io.egressratelimit.domain.Algorithm.FIXED_WINDOW) {
      throw at.error("rlqs needs algorithm token_bucket or strict: Envoy's token buckets cannot hold a fixed window");
    }
    if (policy.period().toNanosPart() != 0) {
      throw at.error("rlqs needs a period of whole seconds, got " + policy.period());
    }
    if ((double) (policy.burst() + policy.requestsPerPeriod()) * policy.period().toSeconds() * 1e6 >= MAX_RLQS_SCALED) {
      throw at.error("rlqs cannot split a budget this large over this long a period (" + policy.describe() + ")");
    }
  }

  private static Optional<NamedRef> name(YamlMap block) throws ConfigException {
    Optional<YamlValue> value = block.get("name");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new NamedRef(nonEmpty(value.get()), value.get()));
  }

  private static List<NamedRef> replaces(YamlMap block, Optional<NamedRef> ownName) throws ConfigException {
    Optional<YamlValue> list = block.get("replaces");
    if (list.isEmpty()) {
      return List.of();
    }
    List<NamedRef> replaces = new ArrayList<>();
    for (YamlValue item : list.get().asList()) {
      YamlValue nameValue = YamlMap.read(item, REPLACES_KEYS)
          .require("name", "missing; each replaces entry names the rule it replaces");
      String replaced = nonEmpty(nameValue);
      if (ownName.isPresent() && ownName.get().name().equals(replaced)) {
        throw nameValue.error("a rule cannot replace itself ('" + replaced + "')");
      }
      replaces.add(new NamedRef(replaced, nameValue));
    }
    return List.copyOf(replaces);
  }

  private static String nonEmpty(YamlValue value) throws ConfigException {
    String text = value.asText();
    if (text.isEmpty()) {
      throw value.error("must not be empty");
    }
    return text;
  }
}
