package io.egressratelimit.envoyconfig;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * No field or enum value the config sets is deprecated in the v3 API. Envoy still loads most of
 * them with a warning, but deprecated fields are removed or made fatal in later releases, and an
 * upgrade of the image should not be what finds them.
 */
final class DeprecatedFields {
  private DeprecatedFields() {}

  static void check(LoadedBootstrap loaded) throws EnvoyConfigException {
    List<String> found = new ArrayList<>();
    MessageTree.walk(loaded.bootstrap(), (path, message, unpackedFromAny) -> {
      for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
        FieldDescriptor descriptor = field.getKey();
        String where = loaded.fileName() + ": " + (path.isEmpty() ? "" : path + ".") + descriptor.getName();
        if (descriptor.getOptions().getDeprecated()) {
          found.add(where + " is deprecated in " + descriptor.getContainingType().getFullName());
        } else if (descriptor.getJavaType() == FieldDescriptor.JavaType.ENUM) {
          List<?> values = descriptor.isRepeated() ? (List<?>) field.getValue() : List.of(field.getValue());
          for (Object value : values) {
            EnumValueDescriptor enumValue = (EnumValueDescriptor) value;
            if (enumValue.getOptions().getDeprecated()) {
              found.add(where + ": value " + enumValue.getName() + " is deprecated");
            }
          }
        }
      }
    });
    if (!found.isEmpty()) {
      throw new EnvoyConfigException(String.join("\n", found));
    }
  }
}
