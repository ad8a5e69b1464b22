package io.egressratelimit.domain;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One configured limit: the leaf of a descriptor path in the limits config.
 *
 * @param domain the domain the rule belongs to
 * @param fullKey the dotted path as envoyproxy/ratelimit names it, e.g. {@code geocode.generic_key_geocode};
 *     it labels the rule in metrics and in /rlconfig
 * @param policy the budget; empty when the rule is {@code unlimited}
 * @param shadowMode counted, never denies; the status reads OK
 * @param quotaMode a quota: the request is denied when every quota-mode descriptor of it is over (or
 *     any ordinary one is); an over quota descriptor alone only reads OVER_LIMIT in its status
 * @param detailedMetric metrics carry the request's descriptor values for this rule
 * @param valueToMetric metrics carry the descriptor value where a wildcard or key-only entry matched
 * @param shareThreshold every value that matches this wildcard rule shares one bucket
 * @param name the rule's name, which {@code replaces} in other rules refers to
 * @param replaces names of rules this one replaces when both apply to one request
 * @param metadata any YAML map, as plain Java (see {@link MetadataValues}); reported in /rlconfig and, with
 *     response dynamic metadata on, for the descriptors that passed
 * @param rlqs the rule is also a budget the Rate Limit Quota Service splits between Envoys (docs/rlqs.md)
 * @param postPaid hits are charged after the call, and the request-time check admits on the balance
 *     (docs/usage-priced.md); empty for an ordinary rule
 */
public record Rule(
    String domain,
    String fullKey,
    Optional<LimitPolicy> policy,
    boolean shadowMode,
    boolean quotaMode,
    boolean detailedMetric,
    boolean valueToMetric,
    boolean shareThreshold,
    Optional<String> name,
    List<String> replaces,
    Map<String, Object> metadata,
    boolean rlqs,
    Optional<PostPaid> postPaid) {

  /** A rule that RLQS does not serve. */
  public Rule(String domain, String fullKey, Optional<LimitPolicy> policy, boolean shadowMode, boolean quotaMode,
      boolean detailedMetric, boolean valueToMetric, boolean shareThreshold, Optional<String> name,
      List<String> replaces, Map<String, Object> metadata) {
    this(domain, fullKey, policy, shadowMode, quotaMode, detailedMetric, valueToMetric, shareThreshold, name,
        replaces, metadata, false);
  }

  /** A rule that is not post-paid. */
  public Rule(String domain, String fullKey, Optional<LimitPolicy> policy, boolean shadowMode, boolean quotaMode,
      boolean detailedMetric, boolean valueToMetric, boolean shareThreshold, Optional<String> name,
      List<String> replaces, Map<String, Object> metadata, boolean rlqs) {
    this(domain, fullKey, policy, shadowMode, quotaMode, detailedMetric, valueToMetric, shareThreshold, name,
        replaces, metadata, rlqs, Optional.empty());
  }

  public Rule {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(fullKey, "fullKey");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(postPaid, "postPaid");
    replaces = List.copyOf(replaces);
    metadata = MetadataValues.freeze(metadata);
  }

  public boolean unlimited() {
    return policy.isEmpty();
  }
}
