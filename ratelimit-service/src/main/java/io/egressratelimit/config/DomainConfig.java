package io.egressratelimit.config;

import io.egressratelimit.domain.Rule;
import java.util.List;
import java.util.Objects;

/**
 * One file's domain, loaded: its descriptor tree and its rules in file order.
 *
 * @param domain the domain name
 * @param fileName the file it came from, for errors that involve two files
 * @param domainLine the line of its {@code domain:} key
 * @param root the top-level descriptors
 * @param rules every rule of the domain, in file order
 */
record DomainConfig(String domain, String fileName, int domainLine, DescriptorLevel root, List<Rule> rules) {
  DomainConfig {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(root, "root");
    rules = List.copyOf(rules);
  }
}
