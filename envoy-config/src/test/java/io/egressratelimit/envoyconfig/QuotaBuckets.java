package io.egressratelimit.envoyconfig;

import com.github.xds.type.matcher.v3.Matcher;
import com.github.xds.type.matcher.v3.Matcher.MatcherList.FieldMatcher;
import com.github.xds.type.matcher.v3.Matcher.MatcherList.Predicate.SinglePredicate;
import io.egressratelimit.domain.DescriptorEntry;
import io.envoyproxy.envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaBucketSettings;
import io.envoyproxy.envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaFilterConfig;
import io.envoyproxy.envoy.type.matcher.v3.HttpRequestHeaderMatchInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The buckets a config's rate_limit_quota filters sort calls into: for each matcher, the path
 * prefix it takes (when it matches on {@code :path} by prefix) and the bucket settings it applies.
 */
final class QuotaBuckets {
  /**
   * @param where the matcher's place in the file, for messages
   * @param pathPrefix the {@code :path} prefix the matcher takes, when that is what it matches on
   */
  record Bucket(String where, String domain, Optional<String> pathPrefix, RateLimitQuotaBucketSettings settings) {
    /** The BucketId's static entries, sorted by key: the descriptor the service first tries. */
    List<DescriptorEntry> descriptor() {
      List<DescriptorEntry> entries = new ArrayList<>();
      settings.getBucketIdBuilder().getBucketIdBuilderMap().entrySet().stream()
          .sorted(java.util.Map.Entry.comparingByKey())
          .forEach(e -> entries.add(new DescriptorEntry(e.getKey(), e.getValue().getStringValue())));
      return entries;
    }

    boolean staticId() {
      return settings.getBucketIdBuilder().getBucketIdBuilderMap().values().stream().allMatch(v -> v.hasStringValue());
    }
  }

  private QuotaBuckets() {}

  static List<RateLimitQuotaFilterConfig> filters(LoadedBootstrap loaded) {
    List<RateLimitQuotaFilterConfig> filters = new ArrayList<>();
    MessageTree.walk(loaded.bootstrap(), (path, message, unpackedFromAny) -> {
      if (message instanceof RateLimitQuotaFilterConfig filter) {
        filters.add(filter);
      }
    });
    return filters;
  }

  static List<Bucket> of(LoadedBootstrap loaded) throws EnvoyConfigException {
    List<Bucket> buckets = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    MessageTree.walk(loaded.bootstrap(), (path, message, unpackedFromAny) -> {
      if (message instanceof RateLimitQuotaFilterConfig filter) {
        collect(loaded.fileName() + ": " + path + ".bucket_matchers", filter, buckets, problems);
      }
    });
    if (!problems.isEmpty()) {
      throw new EnvoyConfigException(String.join("\n", problems));
    }
    return buckets;
  }

  private static void collect(String where, RateLimitQuotaFilterConfig filter, List<Bucket> buckets, List<String> problems) {
    Matcher matcher = filter.getBucketMatchers();
    if (matcher.hasOnNoMatch()) {
      problems.add(where + ".on_no_match: not supported by these checks; give every bucket its own matcher");
    }
    List<FieldMatcher> matchers = matcher.getMatcherList().getMatchersList();
    for (int i = 0; i < matchers.size(); i++) {
      FieldMatcher field = matchers.get(i);
      String at = where + ".matcher_list.matchers[" + i + "]";
      if (!field.getOnMatch().hasAction()) {
        problems.add(at + ".on_match: a nested matcher is not supported by these checks; use an action");
        continue;
      }
      RateLimitQuotaBucketSettings settings;
      try {
        settings = field.getOnMatch().getAction().getTypedConfig().unpack(RateLimitQuotaBucketSettings.class);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        problems.add(at + ".on_match.action: not a RateLimitQuotaBucketSettings");
        continue;
      }
      buckets.add(new Bucket(at, filter.getDomain(), pathPrefix(field), settings));
    }
  }

  private static Optional<String> pathPrefix(FieldMatcher field) {
    if (!field.getPredicate().hasSinglePredicate()) {
      return Optional.empty();
    }
    SinglePredicate single = field.getPredicate().getSinglePredicate();
    if (!single.getInput().getTypedConfig().is(HttpRequestHeaderMatchInput.class) || !single.hasValueMatch()
        || single.getValueMatch().getPrefix().isEmpty()) {
      return Optional.empty();
    }
    try {
      HttpRequestHeaderMatchInput input = single.getInput().getTypedConfig().unpack(HttpRequestHeaderMatchInput.class);
      return ":path".equals(input.getHeaderName()) ? Optional.of(single.getValueMatch().getPrefix()) : Optional.empty();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }
}
