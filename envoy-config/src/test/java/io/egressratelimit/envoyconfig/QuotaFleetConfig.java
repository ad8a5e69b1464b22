package io.egressratelimit.envoyconfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * envoy-rlqs-local.yaml for two budgets at once: the x-budget header picks the bucket
 * ({@code BucketId {generic_key: <x-budget>}}), and the strict budget's calls go out to an upstream
 * of their own, so each budget has its own verdict.
 */
final class QuotaFleetConfig {
  static final String HEADER = "x-budget";
  static final String STRICT_UPSTREAM = "geocode_upstream_strict";

  private QuotaFleetConfig() {}

  static void twoBudgets(Map<String, Object> tree) {
    Map<String, Object> filter = quotaFilter(tree);
    Map<String, Object> matcherList = EnvoyConfigEdits.map(EnvoyConfigEdits.map(filter, "bucket_matchers"), "matcher_list");
    Map<String, Object> shipped = EnvoyConfigEdits.list(matcherList, "matchers").get(0);
    matcherList.put("matchers", List.of(byHeader(shipped, HEADER, "strict", Map.of()),
        byHeader(shipped, HEADER, "token", Map.of())));

    Map<String, Object> geocode = EnvoyConfigEdits.route(tree, "egress_limited", "geocode");
    Map<String, Object> strict = new LinkedHashMap<>(geocode);
    strict.put("name", "geocode-strict");
    strict.put("match", Map.of("prefix", "/maps/api/geocode/",
        "headers", List.of(Map.of("name", HEADER, "string_match", Map.of("exact", "strict")))));
    Map<String, Object> route = new LinkedHashMap<>(EnvoyConfigEdits.map(geocode, "route"));
    route.put("cluster", STRICT_UPSTREAM);
    strict.put("route", route);
    for (Map<String, Object> host : EnvoyConfigEdits.list(EnvoyConfigEdits.map(
        EnvoyConfigEdits.manager(tree, "egress_limited"), "route_config"), "virtual_hosts")) {
      List<Map<String, Object>> routes = new ArrayList<>(EnvoyConfigEdits.list(host, "routes"));
      if (routes.contains(geocode)) {
        routes.add(routes.indexOf(geocode), strict);
        host.put("routes", routes);
      }
    }

    List<Map<String, Object>> clusters = EnvoyConfigEdits.list(EnvoyConfigEdits.map(tree, "static_resources"), "clusters");
    for (Map<String, Object> cluster : List.copyOf(clusters)) {
      if (EnvoyFleet.UPSTREAM.equals(cluster.get("name"))) {
        Map<String, Object> copy = new LinkedHashMap<>(cluster);
        copy.put("name", STRICT_UPSTREAM);
        Map<String, Object> assignment = new LinkedHashMap<>(EnvoyConfigEdits.map(cluster, "load_assignment"));
        assignment.put("cluster_name", STRICT_UPSTREAM);
        copy.put("load_assignment", assignment);
        clusters.add(copy);
      }
    }
  }

  /**
   * A bucket matcher like {@code shipped} that takes the requests whose {@code header} is {@code bucket},
   * into {@code BucketId {generic_key: <bucket>}}, with some of the bucket settings replaced.
   */
  static Map<String, Object> byHeader(Map<String, Object> shipped, String header, String bucket,
      Map<String, Object> settingsReplaced) {
    Map<String, Object> settings = new LinkedHashMap<>(EnvoyConfigEdits.map(EnvoyConfigEdits.map(
        EnvoyConfigEdits.map(shipped, "on_match"), "action"), "typed_config"));
    settings.put("bucket_id_builder", Map.of("bucket_id_builder", Map.of("generic_key", Map.of("string_value", bucket))));
    settings.putAll(settingsReplaced);
    Map<String, Object> input = Map.of("name", header, "typed_config", Map.of(
        "@type", "type.googleapis.com/envoy.type.matcher.v3.HttpRequestHeaderMatchInput", "header_name", header));
    return Map.of(
        "predicate", Map.of("single_predicate", Map.of("input", input, "value_match", Map.of("exact", bucket))),
        "on_match", Map.of("action", Map.of("name", bucket, "typed_config", settings)));
  }

  static Map<String, Object> quotaFilter(Map<String, Object> tree) {
    for (Map<String, Object> filter : EnvoyConfigEdits.list(EnvoyConfigEdits.manager(tree, "egress_limited"), "http_filters")) {
      if ("envoy.filters.http.rate_limit_quota".equals(filter.get("name"))) {
        return EnvoyConfigEdits.map(filter, "typed_config");
      }
    }
    throw new IllegalArgumentException("no rate_limit_quota filter on egress_limited");
  }
}
