package io.egressratelimit.config;

import io.egressratelimit.domain.LimitPolicy;
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
 */
record RateLimitBlock(Optional<LimitPolicy> policy, Optional<NamedRef> name, List<NamedRef> replaces) {

  /** A rule name as written, with where it was written. */
  record NamedRef(String name, YamlValue at) {}

  static final List<String> KEYS = List.of(
      "unit", "requests_per_unit", "unlimited", "name", "replaces", "unit_multiplier", "period", "algorithm", "burst");
  private static final List<String> REPLACES_KEYS = List.of("name");
  /** What {@code unlimited: true} leaves nothing to say about. */
  private static final List<String> NUMBERS =
      List.of("unit", "requests_per_unit", "unit_multiplier", "period", "algorithm", "burst");

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
      return new RateLimitBlock(Optional.empty(), name, replaces);
    }
    return new RateLimitBlock(Optional.of(LimitPolicyReader.read(block)), name, replaces);
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
