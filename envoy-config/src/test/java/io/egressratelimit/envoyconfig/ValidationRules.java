package io.egressratelimit.envoyconfig;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import io.envoyproxy.pgv.ValidationException;
import io.envoyproxy.pgv.ValidatorImpl;
import io.envoyproxy.pgv.ValidatorIndex;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * Envoy's own validation rules ({@code validate.rules} in its protos: a non-empty domain, a port
 * below 65536, a positive timeout, a stage of at most 10, ...), through validators generated at
 * build time from the protos in the envoy api jar. Envoy checks the same rules when it loads a
 * config, so a violation here is a config Envoy would refuse.
 *
 * <p>Each message is checked on its own fields only, and the walk visits every message. That way
 * the walk reaches inside {@code Any}, and past messages whose file has no rules of its own (the
 * cache filter's config, say), where a generated validator would stop; and each violation is
 * reported once, at its own path.
 */
final class ValidationRules {
  private static final String RULES_FILE = "validate/validate.proto";

  /** Stops a generated validator from descending: the walk visits the children itself. */
  private static final ValidatorIndex OWN_FIELDS_ONLY = ValidatorIndex.ALWAYS_VALID;

  private ValidationRules() {}

  static void check(LoadedBootstrap loaded) throws EnvoyConfigException {
    List<String> violations = new ArrayList<>();
    MessageTree.walk(loaded.bootstrap(), (path, message, unpackedFromAny) -> {
      try {
        ownRulesOf(message).assertValid(message, OWN_FIELDS_ONLY);
      } catch (ValidationException e) {
        violations.add(loaded.fileName() + ": " + (path.isEmpty() ? "(top)" : path)
            + " (" + message.getDescriptorForType().getName() + "): "
            + e.getField().replaceFirst("^\\.", "") + ": " + e.getReason().strip()); // a message-valued bound prints with a newline
      }
    });
    if (!violations.isEmpty()) {
      throw new EnvoyConfigException(String.join("\n", violations));
    }
  }

  @SuppressWarnings("unchecked")
  private static ValidatorImpl<Message> ownRulesOf(Message message) {
    if (!hasRules(message.getDescriptorForType().getFile())) {
      return (proto, index) -> { };
    }
    Class<?> outermost = message.getClass();
    while (outermost.getEnclosingClass() != null) {
      outermost = outermost.getEnclosingClass();
    }
    String validatorClass = outermost.getName() + "Validator";
    try {
      Object validator = Class.forName(validatorClass, true, message.getClass().getClassLoader())
          .getDeclaredMethod("validatorFor", Class.class)
          .invoke(null, message.getClass());
      if (validator == null) {
        throw new IllegalStateException(validatorClass + " has no validator for " + message.getClass().getName());
      }
      return (ValidatorImpl<Message>) validator;
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("no generated validator for " + message.getDescriptorForType().getFullName()
          + " (" + message.getDescriptorForType().getFile().getName()
          + "): add that .proto to the protobuf-maven-plugin includes in envoy-config/pom.xml", e);
    } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot use " + validatorClass, e);
    }
  }

  /** protoc-gen-validate generates nothing for a file that declares no rules. */
  private static boolean hasRules(FileDescriptor file) {
    return file.getDependencies().stream().anyMatch(dependency -> dependency.getName().equals(RULES_FILE));
  }
}
