package io.egressratelimit.config;

import io.egressratelimit.domain.DescriptorEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The descriptors side by side at one depth, indexed for the three ways an entry can match them. */
final class DescriptorLevel {
  static final DescriptorLevel EMPTY = new DescriptorLevel(List.of());

  /** How a request entry matched a descriptor; it decides the bucket and metric key parts. */
  enum MatchKind {
    EXACT,
    WILDCARD,
    KEY_ONLY
  }

  /** The descriptor a request entry matched, and how. */
  record Step(DescriptorNode node, MatchKind kind) {}

  /** A wildcard descriptor with its value compiled once, at load. */
  private record Wildcard(DescriptorNode node, WildcardPattern pattern) {}

  private final List<DescriptorNode> nodes;
  private final Map<DescriptorEntry, DescriptorNode> exact = new HashMap<>();
  private final List<Wildcard> wildcards = new ArrayList<>();
  private final Map<String, DescriptorNode> keyOnly = new HashMap<>();

  DescriptorLevel(List<DescriptorNode> nodes) {
    this.nodes = List.copyOf(nodes);
    for (DescriptorNode node : nodes) {
      if (node.isKeyOnly()) {
        keyOnly.put(node.key(), node);
      } else if (node.isWildcard()) {
        wildcards.add(new Wildcard(node, WildcardPattern.of(node.value())));
      } else {
        exact.put(new DescriptorEntry(node.key(), node.value()), node);
      }
    }
  }

  /** The descriptors in file order. */
  List<DescriptorNode> nodes() {
    return nodes;
  }

  boolean isEmpty() {
    return exact.isEmpty() && wildcards.isEmpty() && keyOnly.isEmpty();
  }

  /**
   * The most specific descriptor for one entry: key and value, else the first wildcard in file order
   * that matches the value, else the key alone. This is envoyproxy/ratelimit's order: wildcards are
   * tried in the order they were written, so a narrower one goes first.
   */
  Optional<Step> find(DescriptorEntry entry) {
    DescriptorNode node = exact.get(entry);
    if (node != null) {
      return Optional.of(new Step(node, MatchKind.EXACT));
    }
    for (Wildcard wildcard : wildcards) {
      if (wildcard.node().key().equals(entry.key()) && wildcard.pattern().matches(entry.value())) {
        return Optional.of(new Step(wildcard.node(), MatchKind.WILDCARD));
      }
    }
    return Optional.ofNullable(keyOnly.get(entry.key())).map(found -> new Step(found, MatchKind.KEY_ONLY));
  }
}
