package io.egressratelimit.deploy;

import java.beans.Introspector;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Finds misspelled fields. fabric8 keeps every field it does not know in the additional
 * properties of the model object it belongs to, so a non-empty map anywhere in the tree is a
 * field that Kubernetes would reject or, worse, silently drop.
 */
final class UnknownFields {
  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

  private UnknownFields() {}

  /** One "path: [field, ...]" entry per model object that holds fields it does not know. */
  static List<String> in(Object root, String rootName) {
    List<String> found = new ArrayList<>();
    walk(root, rootName, found);
    return found;
  }

  private static void walk(Object node, String path, List<String> found) {
    if (node == null) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int index = 0;
      for (Object item : items) {
        walk(item, path + "[" + index++ + "]", found);
      }
      return;
    }
    if (node instanceof Map<?, ?> entries) {
      entries.forEach((key, value) -> walk(value, path + "." + key, found));
      return;
    }
    if (!node.getClass().getName().startsWith(MODEL_PACKAGE)) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (!isPropertyGetter(getter)) {
        continue;
      }
      Object value = invoke(getter, node);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          found.add(path + ": " + extra.keySet());
        }
      } else {
        walk(value, path + "." + Introspector.decapitalize(getter.getName().substring(3)), found);
      }
    }
  }

  private static boolean isPropertyGetter(Method method) {
    return method.getName().startsWith("get")
        && method.getName().length() > 3
        && method.getParameterCount() == 0
        && !Modifier.isStatic(method.getModifiers())
        && method.getDeclaringClass().getName().startsWith(MODEL_PACKAGE);
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + getter, e);
    }
  }
}
