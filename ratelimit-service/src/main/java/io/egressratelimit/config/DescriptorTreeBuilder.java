package io.egressratelimit.config;

import io.egressratelimit.config.RateLimitBlock.NamedRef;
import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a {@code descriptors} list, recursively, into the immutable descriptor tree, and collects
 * the domain's rules in file order.
 */
final class DescriptorTreeBuilder {
  static final List<String> KEYS = List.of("key", "value", "rate_limit", "descriptors", "shadow_mode",
      "quota_mode", "detailed_metric", "value_to_metric", "share_threshold", "metadata");
  /** Flags that only mean something on the rule itself, so they are refused on a descriptor without one. */
  private static final List<String> RULE_ONLY_FLAGS = List.of("shadow_mode", "quota_mode", "detailed_metric");
  /** Far beyond any real descriptor, and it stops a self-referencing YAML alias from recursing forever. */
  private static final int MAX_DEPTH = 32;

  private final String domain;
  private final List<Rule> rules = new ArrayList<>();
  private final RuleNames names;

  /** What the descriptors above a node say about it. */
  private record Ancestry(String dottedKey, int depth, boolean valueToMetric, boolean shareThreshold) {}

  DescriptorTreeBuilder(String domain) {
    this.domain = domain;
    this.names = new RuleNames(domain);
  }

  /** Reads the top-level list, then checks every {@code replaces} against the whole domain. */
  DescriptorLevel readDomain(YamlValue descriptors) throws ConfigException {
    DescriptorLevel root = level(descriptors, new Ancestry(domain, 0, false, false));
    names.checkReferences();
    return root;
  }

  List<Rule> rules() {
    return List.copyOf(rules);
  }

  private DescriptorLevel level(YamlValue list, Ancestry ancestry) throws ConfigException {
    if (list.isNull()) {
      return DescriptorLevel.EMPTY; // "descriptors:" with nothing after it, which upstream loads as none
    }
    if (!(list.node() instanceof SequenceNode)) {
      throw list.error("expected a list of descriptors, got " + list.describe());
    }
    if (ancestry.depth() >= MAX_DEPTH) {
      throw list.error("descriptors are nested more than " + MAX_DEPTH + " levels deep");
    }
    Map<DescriptorEntry, String> seen = new HashMap<>();
    List<DescriptorNode> nodes = new ArrayList<>();
    for (YamlValue item : list.asList()) {
      DescriptorNode node = node(item, ancestry);
      String first = seen.putIfAbsent(new DescriptorEntry(node.key(), node.value()), item.path());
      if (first != null) {
        throw item.error("duplicate descriptor composite key '" + ancestry.dottedKey() + "." + node.dottedPart()
            + "'; first defined at " + first);
      }
      nodes.add(node);
    }
    return new DescriptorLevel(nodes);
  }

  private DescriptorNode node(YamlValue item, Ancestry ancestry) throws ConfigException {
    YamlMap map = YamlMap.read(item, KEYS);
    String key = key(map.require("key", "missing; every descriptor needs a key"));
    String value = map.get("value").isPresent() ? value(map.get("value").get()) : "";
    boolean shareThreshold = map.flag("share_threshold");
    if (shareThreshold && !WildcardPattern.isPattern(value)) {
      throw map.get("share_threshold").orElseThrow().error("share_threshold applies only to a wildcard value"
          + " (one with '*'); descriptor '" + DescriptorNode.dottedPart(key, value) + "' has none");
    }
    boolean valueToMetric = map.flag("value_to_metric");
    Ancestry here = new Ancestry(ancestry.dottedKey() + "." + DescriptorNode.dottedPart(key, value),
        ancestry.depth() + 1, ancestry.valueToMetric() || valueToMetric,
        ancestry.shareThreshold() || shareThreshold);

    Optional<Rule> rule = map.get("rate_limit").isPresent()
        ? Optional.of(rule(map, map.get("rate_limit").get(), here))
        : noRule(map);
    DescriptorLevel children = map.get("descriptors").isPresent()
        ? level(map.get("descriptors").get(), here)
        : DescriptorLevel.EMPTY;
    return new DescriptorNode(key, value, rule, valueToMetric, shareThreshold, children,
        item.fileName(), item.path(), item.line());
  }

  private Rule rule(YamlMap descriptor, YamlValue rateLimit, Ancestry here) throws ConfigException {
    RateLimitBlock block = RateLimitBlock.read(rateLimit);
    if (block.name().isPresent()) {
      names.define(block.name().get());
    }
    names.refer(block.replaces());
    for (String flag : List.of("shadow_mode", "quota_mode")) {
      if (block.rlqs() && descriptor.flag(flag)) {
        throw descriptor.get(flag).orElseThrow().error(flag + " cannot be combined with rlqs: Envoy enforces an RLQS share itself");
      }
    }
    Rule rule = new Rule(
        domain,
        here.dottedKey(),
        block.policy(),
        descriptor.flag("shadow_mode"),
        descriptor.flag("quota_mode"),
        descriptor.flag("detailed_metric"),
        here.valueToMetric(),
        here.shareThreshold(),
        block.name().map(NamedRef::name),
        block.replaces().stream().map(NamedRef::name).toList(),
        metadata(descriptor.get("metadata")),
        block.rlqs(),
        block.postPaid());
    rules.add(rule);
    return rule;
  }

  /** A descriptor without a rate_limit, refusing the keys that would only configure its rule. */
  private static Optional<Rule> noRule(YamlMap descriptor) throws ConfigException {
    for (String flag : RULE_ONLY_FLAGS) {
      if (descriptor.flag(flag)) {
        throw descriptor.get(flag).orElseThrow().error(flag + " has no effect on a descriptor without a rate_limit");
      }
    }
    Optional<YamlValue> metadata = descriptor.get("metadata");
    if (metadata.isPresent()) {
      throw metadata.get().error("metadata has no effect on a descriptor without a rate_limit");
    }
    return Optional.empty();
  }

  private static Map<String, Object> metadata(Optional<YamlValue> value) throws ConfigException {
    return value.isPresent() ? MetadataReader.read(value.get()) : Map.of();
  }

  private static String key(YamlValue value) throws ConfigException {
    String key = DescriptorText.check(value);
    if (key.isEmpty()) {
      throw value.error("descriptor has an empty key");
    }
    if (key.contains("*")) {
      throw value.error("'*' is not allowed in a key; a wildcard goes in a value");
    }
    return key;
  }

  private static String value(YamlValue value) throws ConfigException {
    return DescriptorText.check(value);
  }
}
