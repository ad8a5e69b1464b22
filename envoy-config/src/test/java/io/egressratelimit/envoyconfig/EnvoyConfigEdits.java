package io.egressratelimit.envoyconfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Changes a test makes to a shipped Envoy config (as a parsed YAML tree) before an Envoy runs it. */
final class EnvoyConfigEdits {
  private EnvoyConfigEdits() {}

  /**
   * Moves a route's {@code rate_limits} into the ratelimit filter's per-route config
   * (RateLimitPerRoute), and returns them. Envoy 1.40 reads a {@code hits_addend} or
   * {@code apply_on_stream_done} only there: on the route's own rate_limits the filter ignores both.
   */
  static List<Map<String, Object>> rateLimitsPerRoute(Map<String, Object> tree, String listener, String routeName) {
    Map<String, Object> route = route(tree, listener, routeName);
    List<Map<String, Object>> rateLimits = list(map(route, "route"), "rate_limits");
    map(route, "route").remove("rate_limits");
    Map<String, Object> perRoute = new LinkedHashMap<>();
    perRoute.put("@type", "type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute");
    perRoute.put("rate_limits", rateLimits);
    route.put("typed_per_filter_config", new LinkedHashMap<>(Map.of("envoy.filters.http.ratelimit", perRoute)));
    return rateLimits;
  }

  /** The rate_limits of a route's RateLimitPerRoute config, to add to or change. */
  static List<Map<String, Object>> perRouteRateLimits(Map<String, Object> tree, String listener, String routeName) {
    Map<String, Object> perFilter = map(route(tree, listener, routeName), "typed_per_filter_config");
    return list(map(perFilter, "envoy.filters.http.ratelimit"), "rate_limits");
  }

  /**
   * Sets the ratelimit filter's timeout on a listener. For tests of what Envoy does with the
   * service's answers: on a loaded test machine an answer can miss the shipped 20 ms, and the call
   * then fails closed (503), which FailClosedIT tests on its own.
   */
  static void rateLimitTimeout(Map<String, Object> tree, String listener, String timeout) {
    for (Map<String, Object> filter : list(manager(tree, listener), "http_filters")) {
      if ("envoy.filters.http.ratelimit".equals(filter.get("name"))) {
        map(filter, "typed_config").put("timeout", timeout);
        return;
      }
    }
    throw new IllegalArgumentException("no ratelimit filter on listener '" + listener + "'");
  }

  static Map<String, Object> route(Map<String, Object> tree, String listener, String route) {
    Map<String, Object> manager = manager(tree, listener);
    for (Map<String, Object> host : list(map(manager, "route_config"), "virtual_hosts")) {
      for (Map<String, Object> candidate : list(host, "routes")) {
        if (route.equals(candidate.get("name"))) {
          return candidate;
        }
      }
    }
    throw new IllegalArgumentException("no route '" + route + "' on listener '" + listener + "'");
  }

  /** The http_connection_manager config of a named listener's first filter chain. */
  static Map<String, Object> manager(Map<String, Object> tree, String listener) {
    for (Map<String, Object> candidate : list(map(tree, "static_resources"), "listeners")) {
      if (listener.equals(candidate.get("name"))) {
        Map<String, Object> filter = list(list(candidate, "filter_chains").get(0), "filters").get(0);
        return map(filter, "typed_config");
      }
    }
    throw new IllegalArgumentException("no listener '" + listener + "'");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> parent, String key) {
    return (Map<String, Object>) parent.get(key);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    return (List<Map<String, Object>>) parent.get(key);
  }
}
