package io.egressratelimit.envoyconfig;

import com.google.gson.JsonElement;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an Envoy bootstrap the way Envoy does (YAML, then proto3 JSON into the v3 Bootstrap), but
 * strictly: an unknown field at any depth, an unknown enum value, a wrong type or an unregistered
 * {@code @type} is an error. There is deliberately no {@code ignoringUnknownFields()}.
 */
final class BootstrapLoader {
  /** The JSON parser names the offending token in messages of these shapes. */
  private static final List<Pattern> OFFENDING_TOKEN = List.of(
      Pattern.compile("Cannot find field: (\\S+)"),
      Pattern.compile("Invalid enum value: (\\S+)"),
      Pattern.compile("Failed to parse \\w+: (\\S+)"),
      Pattern.compile("Cannot find type for url: (\\S+)"),
      Pattern.compile("Cannot resolve type: (\\S+)"),
      Pattern.compile("Invalid \\w+ value: (\\S+)"),
      Pattern.compile("Not an? \\w+ value: (\\S+)"));

  private BootstrapLoader() {}

  static LoadedBootstrap load(Path file) throws EnvoyConfigException {
    String fileName = file.getFileName().toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new EnvoyConfigException(fileName + ": cannot read " + file + ": " + e.getMessage());
    }
    return parse(fileName, text);
  }

  static LoadedBootstrap parse(String fileName, String text) throws EnvoyConfigException {
    JsonElement tree = StrictYaml.toJson(fileName, text);
    FieldsNewerThanTheApi.strip(tree);
    String json = tree.toString();
    Bootstrap.Builder builder = Bootstrap.newBuilder();
    try {
      JsonFormat.parser().usingTypeRegistry(EnvoyTypes.registry()).merge(json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      NumberFormatException notANumber = numberFormatIn(e);
      if (notANumber != null) {
        throw new EnvoyConfigException(fileName + ": " + notANumber(notANumber, text));
      }
      throw new EnvoyConfigException(fileName + ": " + lineOf(e.getMessage(), text) + e.getMessage());
    }
    return new LoadedBootstrap(fileName, builder.build());
  }

  private static NumberFormatException numberFormatIn(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof NumberFormatException numberFormat) {
        return numberFormat;
      }
    }
    return null;
  }

  /**
   * The parser reports "100ms" for a duration as a bare NumberFormatException on "100m": name the
   * scalar as written, and the form that works.
   */
  private static String notANumber(NumberFormatException e, String text) {
    Matcher matcher = Pattern.compile("For input string: \"(.*)\"").matcher(String.valueOf(e.getMessage()));
    if (!matcher.find()) {
      return "not a number: " + e.getMessage();
    }
    YamlLines lines = YamlLines.of(text);
    String written = lines.firstStartingWith(matcher.group(1));
    return lines.prefixFor(written) + "cannot read \"" + written + "\" as a number;"
        + " a duration is written in seconds with an s, e.g. 0.1s";
  }

  private static String lineOf(String message, String text) {
    if (message == null) {
      return "";
    }
    for (Pattern pattern : OFFENDING_TOKEN) {
      Matcher matcher = pattern.matcher(message);
      if (matcher.find()) {
        return YamlLines.of(text).prefixFor(unquote(matcher.group(1)));
      }
    }
    return "";
  }

  private static String unquote(String token) {
    return token.length() >= 2 && token.startsWith("\"") && token.endsWith("\"")
        ? token.substring(1, token.length() - 1)
        : token;
  }
}
