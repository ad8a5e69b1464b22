package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart's ServiceMonitor, PrometheusRule and Grafana dashboard: off by default, well formed when
 * on, and every query in them names only metrics and labels that a running service exports.
 */
class MonitoringTest {
  private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");
  private static final List<String> ALERTS = List.of("RateLimitBudgetExhausted", "RateLimitNearLimit",
      "RateLimitBackendErrors", "RateLimitCircuitBreakerOpen", "RateLimitConfigLoadFailing",
      "RateLimitReplicaNotServing");

  /** One query with where it comes from and, for a dashboard target, its legend. */
  record Query(String where, String expression, String legend) {}

  private static Rendered monitoring() {
    return ChartRenderer.render(Scenario.MONITORING);
  }

  @Test
  void everyQueryNamesOnlyMetricsAndLabelsARunningServiceExports() throws Exception {
    Map<String, Set<String>> series = LiveScrape.series();
    List<Query> queries = new ArrayList<>(alertQueries(monitoring()));
    queries.addAll(dashboardQueries(monitoring()));
    assertTrue(queries.size() >= 20, "the alerts and the dashboard's panels and variables: " + queries.size());
    List<String> problems = new ArrayList<>();
    for (Query query : queries) {
      problems.addAll(problems(query, series));
    }
    assertEquals(List.of(), problems, "metrics or labels the service does not export; it exports " + series);
  }

  @Test
  void theCheckCatchesARenamedMetricOrLabel() {
    Map<String, Set<String>> series = LiveScrape.parse("""
        # TYPE ratelimit_service_rate_limit_over_limit counter
        ratelimit_service_rate_limit_over_limit{domain="geocode",key1="generic_key_geocode"} 1.0
        """);
    assertEquals(List.of(), problems(new Query("ok", "sum by (domain, key1) (rate("
        + "ratelimit_service_rate_limit_over_limit{domain=~\"$domain\"}[$__rate_interval])) > 0", "{{key1}}"), series));
    assertEquals(List.of("renamed: no series ratelimit_over_limit_total"),
        problems(new Query("renamed", "rate(ratelimit_over_limit_total[5m])", ""), series));
    assertEquals(List.of("label: no label rule on ratelimit_service_rate_limit_over_limit"),
        problems(new Query("label", "sum by (rule) (ratelimit_service_rate_limit_over_limit)", ""), series));
    assertEquals(List.of("legend: legend label key9 on none of ratelimit_service_rate_limit_over_limit"),
        problems(new Query("legend", "ratelimit_service_rate_limit_over_limit", "{{key9}}"), series));
  }

  @Test
  void everyPartIsOffByDefault() {
    Rendered defaults = ChartRenderer.render(Scenario.DEFAULTS);
    assertEquals(List.of(), defaults.all(GenericKubernetesResource.class));
    assertTrue(defaults.find(ConfigMap.class, "dashboard").isEmpty());
    assertTrue(metricsIngress(defaults).isEmpty(), "nobody reaches the admin port");
  }

  @Test
  void theAlertsAreAllThereWithTheirHoldTimesAndLabels() {
    GenericKubernetesResource rule = custom(monitoring(), "PrometheusRule");
    assertEquals("kube-prometheus-stack", rule.getMetadata().getLabels().get("release"));
    List<Map<String, Object>> rules = rules(rule);
    assertEquals(ALERTS, rules.stream().map(r -> (String) r.get("alert")).toList());
    assertEquals("15m", rules.get(0).get("for"), "budgetExhaustedFor from the values");
    assertEquals("2m", rules.get(5).get("for"), "notServingFor's default");
    for (Map<String, Object> each : rules) {
      assertFields("PrometheusRule rule " + each.get("alert"), each, Set.of("alert", "expr", "for", "labels", "annotations"));
      assertTrue(((Map<?, ?>) each.get("labels")).containsKey("severity"), each.toString());
      assertTrue(((Map<?, ?>) each.get("annotations")).containsKey("summary"), each.toString());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theServiceMonitorScrapesTheRateLimitServicesAdminPort() {
    Rendered rendered = monitoring();
    GenericKubernetesResource monitor = custom(rendered, "ServiceMonitor");
    Map<String, Object> spec = spec(monitor);
    assertFields("ServiceMonitor.spec", spec, Set.of("selector", "namespaceSelector", "endpoints"));
    Service service = rendered.get(Service.class, "ratelimit");
    Map<String, String> selector = (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
    assertTrue(service.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()),
        "selects the ratelimit Service: " + selector);
    assertEquals(List.of(ChartRenderer.NAMESPACE),
        ((Map<String, Object>) spec.get("namespaceSelector")).get("matchNames"));
    List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec.get("endpoints");
    assertEquals(1, endpoints.size());
    assertFields("ServiceMonitor endpoint", endpoints.get(0), Set.of("port", "path", "interval"));
    assertEquals("http", endpoints.get(0).get("port"));
    assertEquals("/metrics", endpoints.get(0).get("path"));
    ServicePort http = service.getSpec().getPorts().stream().filter(p -> p.getName().equals("http")).findFirst()
        .orElseThrow();
    List<NetworkPolicyIngressRule> ingress = metricsIngress(rendered);
    assertEquals(1, ingress.size(), "Prometheus may reach the admin port");
    assertEquals(http.getPort(), ingress.get(0).getPorts().get(0).getPort().getIntVal());
    var from = ingress.get(0).getFrom().get(0);
    assertEquals(Map.of("kubernetes.io/metadata.name", "monitoring"), from.getNamespaceSelector().getMatchLabels());
    assertEquals(Map.of("app.kubernetes.io/name", "prometheus"), from.getPodSelector().getMatchLabels());
  }

  @Test
  void theDashboardIsAConfigMapForGrafanasSidecar() {
    ConfigMap dashboard = monitoring().get(ConfigMap.class, "dashboard");
    assertEquals("1", dashboard.getMetadata().getLabels().get("grafana_dashboard"));
    assertEquals("Egress", dashboard.getMetadata().getAnnotations().get("grafana_folder"));
    Map<String, Object> json = KubernetesYaml.parseMap(dashboard.getData().get("egress-ratelimit.json"));
    assertEquals("egress-ratelimit", json.get("uid"));
    assertFalse(dashboardQueries(monitoring()).isEmpty());
  }

  static List<String> problems(Query query, Map<String, Set<String>> series) {
    PromQlNames names = PromQlNames.of(query.expression());
    List<String> problems = new ArrayList<>();
    Set<String> labelsOnTheseMetrics = new LinkedHashSet<>();
    for (String metric : names.metrics()) {
      if (series.containsKey(metric)) {
        labelsOnTheseMetrics.addAll(series.get(metric));
      } else {
        problems.add(query.where() + ": no series " + metric);
      }
    }
    for (String label : names.labels()) {
      if (!labelsOnTheseMetrics.contains(label)) {
        problems.add(query.where() + ": no label " + label + " on " + String.join(", ", names.metrics()));
      }
    }
    Matcher legend = LEGEND_LABEL.matcher(query.legend());
    while (legend.find()) {
      if (!labelsOnTheseMetrics.contains(legend.group(1))) {
        problems.add(query.where() + ": legend label " + legend.group(1) + " on none of "
            + String.join(", ", names.metrics()));
      }
    }
    return problems;
  }

  private static List<Query> alertQueries(Rendered rendered) {
    return rules(custom(rendered, "PrometheusRule")).stream()
        .map(rule -> new Query("alert " + rule.get("alert"), (String) rule.get("expr"), ""))
        .toList();
  }

  @SuppressWarnings("unchecked")
  private static List<Query> dashboardQueries(Rendered rendered) {
    Map<String, Object> json = KubernetesYaml.parseMap(
        rendered.get(ConfigMap.class, "dashboard").getData().get("egress-ratelimit.json"));
    List<Query> queries = new ArrayList<>();
    for (Map<String, Object> panel : (List<Map<String, Object>>) json.get("panels")) {
      for (Map<String, Object> target : (List<Map<String, Object>>) panel.getOrDefault("targets", List.of())) {
        queries.add(new Query("panel '" + panel.get("title") + "'", (String) target.get("expr"),
            (String) target.getOrDefault("legendFormat", "")));
      }
    }
    Map<String, Object> templating = (Map<String, Object>) json.get("templating");
    for (Map<String, Object> variable : (List<Map<String, Object>>) templating.get("list")) {
      if ("query".equals(variable.get("type"))) {
        Object query = variable.get("query");
        String text = query instanceof Map<?, ?> map ? (String) map.get("query") : (String) query;
        queries.add(new Query("variable $" + variable.get("name"), text, ""));
      }
    }
    return queries;
  }

  private static GenericKubernetesResource custom(Rendered rendered, String kind) {
    List<GenericKubernetesResource> found = rendered.all(GenericKubernetesResource.class).stream()
        .filter(r -> r.getKind().equals(kind)).toList();
    assertEquals(1, found.size(), "one " + kind);
    GenericKubernetesResource resource = found.get(0);
    assertEquals("monitoring.coreos.com/v1", resource.getApiVersion());
    assertEquals(Set.of("spec"), resource.getAdditionalProperties().keySet(), kind + " has only a spec");
    return resource;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rules(GenericKubernetesResource rule) {
    Map<String, Object> spec = spec(rule);
    assertFields("PrometheusRule.spec", spec, Set.of("groups"));
    List<Map<String, Object>> groups = (List<Map<String, Object>>) spec.get("groups");
    assertEquals(1, groups.size());
    assertFields("PrometheusRule group", groups.get(0), Set.of("name", "rules"));
    return (List<Map<String, Object>>) groups.get(0).get("rules");
  }

  /** The custom resources' fields, checked by hand: only those of their CRD that the chart means to set. */
  private static void assertFields(String where, Map<String, Object> object, Set<String> allowed) {
    Set<String> unknown = new LinkedHashSet<>(object.keySet());
    unknown.removeAll(allowed);
    assertEquals(Set.of(), unknown, where + ": unknown fields");
  }

  private static List<NetworkPolicyIngressRule> metricsIngress(Rendered rendered) {
    NetworkPolicy ratelimit = rendered.get(NetworkPolicy.class, "ratelimit");
    int httpPort = rendered.get(Service.class, "ratelimit").getSpec().getPorts().stream()
        .filter(p -> p.getName().equals("http")).findFirst().orElseThrow().getPort();
    return ratelimit.getSpec().getIngress().stream()
        .filter(rule -> rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == httpPort))
        .toList();
  }

}
