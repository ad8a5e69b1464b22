package io.egressratelimit.envoyconfig;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;

/**
 * Walks every message of a config, top-down, and looks inside each {@code Any} as the typed
 * message it holds. Checks that must see a filter's own config (validation rules, cluster
 * references) ride on this walk, because generated validators stop at an {@code Any}.
 */
final class MessageTree {

  /** One message of the tree. */
  interface Visitor {
    /**
     * @param path where the message sits, in the field names of the YAML, e.g.
     *     {@code static_resources.listeners[egress].filter_chains[0].filters[0].typed_config}
     * @param message the message; for an {@code Any}, the unpacked message it holds
     * @param unpackedFromAny whether the message was the content of an {@code Any}
     */
    void visit(String path, Message message, boolean unpackedFromAny);
  }

  private MessageTree() {}

  static void walk(Message root, Visitor visitor) {
    walk("", root, visitor);
  }

  private static void walk(String path, Message message, Visitor visitor) {
    boolean isAny = message instanceof Any;
    Message actual = isAny ? EnvoyTypes.unpack((Any) message) : message;
    visitor.visit(path, actual, isAny);
    for (Map.Entry<FieldDescriptor, Object> field : actual.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      if (descriptor.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      String fieldPath = path.isEmpty() ? descriptor.getName() : path + "." + descriptor.getName();
      if (descriptor.isMapField()) {
        walkMap(fieldPath, descriptor, (List<?>) field.getValue(), visitor);
      } else if (descriptor.isRepeated()) {
        List<?> items = (List<?>) field.getValue();
        for (int i = 0; i < items.size(); i++) {
          Message item = (Message) items.get(i);
          walk(fieldPath + "[" + label(item, i) + "]", item, visitor);
        }
      } else {
        walk(fieldPath, (Message) field.getValue(), visitor);
      }
    }
  }

  private static void walkMap(String fieldPath, FieldDescriptor mapField, List<?> entries, Visitor visitor) {
    FieldDescriptor key = mapField.getMessageType().findFieldByName("key");
    FieldDescriptor value = mapField.getMessageType().findFieldByName("value");
    if (value.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
      return;
    }
    for (Object entry : entries) {
      Message mapEntry = (Message) entry;
      walk(fieldPath + "[" + mapEntry.getField(key) + "]", (Message) mapEntry.getField(value), visitor);
    }
  }

  /** A list item is named by its {@code name} field where it has one: listeners[egress]. */
  private static String label(Message item, int index) {
    FieldDescriptor name = item.getDescriptorForType().findFieldByName("name");
    if (name != null && name.getType() == FieldDescriptor.Type.STRING && !name.isRepeated()) {
      String value = (String) item.getField(name);
      if (!value.isEmpty()) {
        return value;
      }
    }
    return String.valueOf(index);
  }
}
