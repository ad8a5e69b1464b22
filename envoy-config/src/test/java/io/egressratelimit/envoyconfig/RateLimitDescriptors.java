package io.egressratelimit.envoyconfig;

import com.google.protobuf.Message;
import io.egressratelimit.domain.DescriptorEntry;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.RateLimit.Action;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The descriptors a config's {@code rate_limits} can make Envoy send, for the entries that start
 * with a {@code generic_key} (a named budget): a virtual host's and a route's own, and the ratelimit
 * filter's per-route config (RateLimitPerRoute). A descriptor the limits config has no rule for is
 * simply admitted by the service, so every one of these must meet a rule.
 *
 * <p>Envoy 1.40's ratelimit filter ignores {@code hits_addend} on a route's own rate_limits (every
 * call then counts 1) and reads it only in RateLimitPerRoute; a cost or a stream-done charge placed
 * there is refused here rather than silently counted as one hit.
 *
 * <p>Where the value comes from the request, a sample value stands in for it; a key-only rule
 * ({@code key: caller}) matches any value, a rule with a fixed value matches only that one.
 */
final class RateLimitDescriptors {
  private final Map<String, String> sampleHeaderValues;

  /** @param sampleHeaderValues a value for each request header a {@code request_headers} action reads */
  RateLimitDescriptors(Map<String, String> sampleHeaderValues) {
    this.sampleHeaderValues = new HashMap<>();
    sampleHeaderValues.forEach((name, value) -> this.sampleHeaderValues.put(name.toLowerCase(Locale.ROOT), value));
  }

  List<ProducibleDescriptor> of(LoadedBootstrap loaded) throws EnvoyConfigException {
    List<ProducibleDescriptor> descriptors = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    MessageTree.walk(loaded.bootstrap(), (path, message, unpackedFromAny) -> {
      if (message instanceof HttpConnectionManager manager) {
        String where = loaded.fileName() + ": " + path;
        collect(where, manager, descriptors, problems);
      }
    });
    if (!problems.isEmpty()) {
      throw new EnvoyConfigException(String.join("\n", problems));
    }
    return List.copyOf(descriptors);
  }

  private void collect(String where, HttpConnectionManager manager,
      List<ProducibleDescriptor> out, List<String> problems) {
    Map<Integer, String> domainByStage = domainsByStage(manager);
    if (manager.hasRds()) {
      problems.add(where + ": routes come from RDS, so their rate_limits cannot be checked here");
      return;
    }
    for (VirtualHost host : manager.getRouteConfig().getVirtualHostsList()) {
      String hostPath = where + ".route_config.virtual_hosts[" + host.getName() + "]";
      addAll(hostPath + ".rate_limits", host.getRateLimitsList(), domainByStage, out, problems);
      for (int i = 0; i < host.getRoutesCount(); i++) {
        Route route = host.getRoutes(i);
        String routeName = route.getName().isEmpty() ? String.valueOf(i) : route.getName();
        String routePath = hostPath + ".routes[" + routeName + "]";
        refuseCostsEnvoyIgnores(routePath + ".route.rate_limits", route.getRoute().getRateLimitsList(), problems);
        addAll(routePath + ".route.rate_limits", route.getRoute().getRateLimitsList(), domainByStage, out, problems);
        addPerRoute(routePath, route.getTypedPerFilterConfigMap(), domainByStage, out, problems);
      }
    }
  }

  /** The ratelimit filter's per-route rate_limits; a per-route {@code domain} replaces the filter's. */
  private void addPerRoute(String routePath, Map<String, com.google.protobuf.Any> perFilter,
      Map<Integer, String> domainByStage, List<ProducibleDescriptor> out, List<String> problems) {
    for (Map.Entry<String, com.google.protobuf.Any> entry : perFilter.entrySet()) {
      if (EnvoyTypes.unpack(entry.getValue()) instanceof RateLimitPerRoute perRoute && perRoute.getRateLimitsCount() > 0) {
        Map<Integer, String> domains = perRoute.getDomain().isEmpty() ? domainByStage : Map.of(0, perRoute.getDomain());
        addAll(routePath + ".typed_per_filter_config[" + entry.getKey() + "].rate_limits", perRoute.getRateLimitsList(),
            domains, out, problems);
      }
    }
  }

  private static void refuseCostsEnvoyIgnores(String listPath, List<RateLimit> rateLimits, List<String> problems) {
    for (int i = 0; i < rateLimits.size(); i++) {
      RateLimit rateLimit = rateLimits.get(i);
      if (rateLimit.hasHitsAddend() || rateLimit.getApplyOnStreamDone()) {
        problems.add(listPath + "[" + i + "]: " + (rateLimit.hasHitsAddend() ? "hits_addend" : "apply_on_stream_done")
            + " on a route's own rate_limits: Envoy's ratelimit filter ignores hits_addend there and counts every call"
            + " as 1; put this entry in the filter's per-route config (RateLimitPerRoute.rate_limits)");
      }
    }
  }

  private static Map<Integer, String> domainsByStage(HttpConnectionManager manager) {
    Map<Integer, String> domains = new HashMap<>();
    for (HttpFilter filter : manager.getHttpFiltersList()) {
      if (filter.hasTypedConfig()) {
        Message config = EnvoyTypes.unpack(filter.getTypedConfig());
        if (config instanceof io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit rateLimit) {
          domains.put(rateLimit.getStage(), rateLimit.getDomain());
        }
      }
    }
    return domains;
  }

  private void addAll(String listPath, List<RateLimit> rateLimits, Map<Integer, String> domainByStage,
      List<ProducibleDescriptor> out, List<String> problems) {
    for (int i = 0; i < rateLimits.size(); i++) {
      RateLimit rateLimit = rateLimits.get(i);
      String origin = listPath + "[" + i + "]";
      if (rateLimit.getActionsCount() == 0 || !rateLimit.getActions(0).hasGenericKey()) {
        continue;
      }
      int stage = rateLimit.hasStage() ? rateLimit.getStage().getValue() : 0;
      String domain = domainByStage.get(stage);
      if (domain == null) {
        problems.add(origin + ": stage " + stage + " has no ratelimit filter in this connection manager,"
            + " so these descriptors are never sent");
        continue;
      }
      for (List<DescriptorEntry> entries : expand(origin, rateLimit.getActionsList(), problems)) {
        out.add(new ProducibleDescriptor(origin, domain, entries));
      }
    }
  }

  /** Every entry list the actions can yield: an action that may be skipped doubles them. */
  private List<List<DescriptorEntry>> expand(String origin, List<Action> actions, List<String> problems) {
    Set<List<DescriptorEntry>> variants = new LinkedHashSet<>();
    variants.add(List.of());
    for (int i = 0; i < actions.size(); i++) {
      Action action = actions.get(i);
      Set<List<DescriptorEntry>> next = new LinkedHashSet<>();
      for (List<DescriptorEntry> variant : variants) {
        switch (action.getActionSpecifierCase()) {
          case GENERIC_KEY -> next.add(append(variant, new DescriptorEntry(
              keyOr(action.getGenericKey().getDescriptorKey(), "generic_key"),
              action.getGenericKey().getDescriptorValue())));
          case HEADER_VALUE_MATCH -> next.add(append(variant, new DescriptorEntry(
              keyOr(action.getHeaderValueMatch().getDescriptorKey(), "header_match"),
              action.getHeaderValueMatch().getDescriptorValue())));
          case REQUEST_HEADERS -> {
            Action.RequestHeaders headers = action.getRequestHeaders();
            String sample = sampleHeaderValues.get(headers.getHeaderName().toLowerCase(Locale.ROOT));
            if (sample == null) {
              problems.add(origin + ".actions[" + i + "]: no sample value for request header '"
                  + headers.getHeaderName() + "'");
              return List.of();
            }
            next.add(append(variant, new DescriptorEntry(headers.getDescriptorKey(), sample)));
            if (headers.getSkipIfAbsent()) {
              next.add(variant);
            }
          }
          default -> {
            problems.add(origin + ".actions[" + i + "]: " + action.getActionSpecifierCase().name()
                .toLowerCase(Locale.ROOT) + " is not an action this check can follow"
                + " (it knows generic_key, request_headers and header_value_match)");
            return List.of();
          }
        }
      }
      variants = next;
    }
    return List.copyOf(variants);
  }

  private static List<DescriptorEntry> append(List<DescriptorEntry> entries, DescriptorEntry entry) {
    List<DescriptorEntry> longer = new ArrayList<>(entries);
    longer.add(entry);
    return List.copyOf(longer);
  }

  private static String keyOr(String key, String fallback) {
    return key.isEmpty() ? fallback : key;
  }
}
