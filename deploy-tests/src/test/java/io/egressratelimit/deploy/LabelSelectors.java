package io.egressratelimit.deploy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.Map;

/** Kubernetes label selector matching (matchLabels and matchExpressions). */
final class LabelSelectors {
  private LabelSelectors() {}

  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    for (Map.Entry<String, String> required : selector.getMatchLabels().entrySet()) {
      if (!required.getValue().equals(labels.get(required.getKey()))) {
        return false;
      }
    }
    for (LabelSelectorRequirement expression : selector.getMatchExpressions()) {
      if (!matches(expression, labels)) {
        return false;
      }
    }
    return true;
  }

  static boolean matches(Map<String, String> serviceSelector, Map<String, String> labels) {
    return !serviceSelector.isEmpty()
        && serviceSelector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private static boolean matches(LabelSelectorRequirement expression, Map<String, String> labels) {
    String value = labels.get(expression.getKey());
    return switch (expression.getOperator()) {
      case "In" -> value != null && expression.getValues().contains(value);
      case "NotIn" -> value == null || !expression.getValues().contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      default -> throw new IllegalArgumentException("unknown selector operator " + expression.getOperator());
    };
  }
}
