package io.egressratelimit.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns limits texts into one config: the files of a directory (read by {@code config.files}), the
 * documents of an xDS update, or one text in a test. Everything here is pure; what a file system holds
 * reaches it only as {@link ConfigSource}s.
 */
public final class ConfigParser {
  private ConfigParser() {}

  /** Parses the texts as one config, in the given order; each text's name is what its errors name. */
  public static RateLimitConfig parse(List<ConfigSource> sources, boolean mergeDomains) throws ConfigException {
    List<DomainConfig> domains = new ArrayList<>();
    for (ConfigSource source : sources) {
      domains.add(DomainFileParser.parse(source.fileName(), source.text()));
    }
    return LoadedConfig.of(domains, mergeDomains);
  }

  /**
   * Parses several named texts as one config, as if each were a file of a directory; a config source
   * other than files (xDS, say) comes in here.
   *
   * @param namedTexts file name (as errors name it) to YAML text, in load order
   */
  public static RateLimitConfig parse(Map<String, String> namedTexts, boolean mergeDomains) throws ConfigException {
    List<ConfigSource> sources = new ArrayList<>();
    namedTexts.forEach((name, text) -> sources.add(new ConfigSource(name, text)));
    return parse(sources, mergeDomains);
  }

  /** Parses the text of one file; {@code fileName} is only used in error messages. */
  public static RateLimitConfig parse(String fileName, String yamlText) throws ConfigException {
    return LoadedConfig.of(List.of(DomainFileParser.parse(fileName, yamlText)));
  }

  /**
   * Loads documents that arrive as data rather than files (an xDS update, one document per
   * resource), held to the same checks as files. Errors name the document by its key, with the
   * path inside it and no line.
   *
   * @param documents each document's name and content, in the order to combine them
   * @param mergeDomains MERGE_DOMAIN_CONFIG: a domain in several documents merges instead of being refused
   */
  public static RateLimitConfig parseDocuments(Map<String, ? extends Map<String, ?>> documents, boolean mergeDomains)
      throws ConfigException {
    List<DomainConfig> domains = new ArrayList<>();
    for (Map.Entry<String, ? extends Map<String, ?>> document : documents.entrySet()) {
      domains.add(DomainFileParser.parse(YamlDocument.represent(document.getKey(), document.getValue())));
    }
    return LoadedConfig.of(domains, mergeDomains);
  }
}
