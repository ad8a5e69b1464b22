package io.egressratelimit.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads the limits config from one YAML file or from a directory of them, one domain per file.
 * This is the only place that touches the file system; everything after it is pure.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * Loads a file, or every {@code .yaml}/{@code .yml} file directly in a directory (symlinks to files
   * included, names starting with a dot skipped), in file-name order. In a Kubernetes ConfigMap
   * mount that reads {@code geocode.yaml -> ..data/geocode.yaml} and skips the {@code ..data} and
   * timestamped directories behind it.
   */
  public static RateLimitConfig load(Path fileOrDirectory) throws ConfigException {
    return load(fileOrDirectory, false);
  }

  /**
   * As {@link #load(Path)}.
   *
   * @param mergeDomains MERGE_DOMAIN_CONFIG: a domain in several files merges instead of being refused
   */
  public static RateLimitConfig load(Path fileOrDirectory, boolean mergeDomains) throws ConfigException {
    return parse(read(fileOrDirectory), mergeDomains);
  }

  /** Reads the text of every file {@link #load} would parse, without parsing it. */
  static List<ConfigSource> read(Path fileOrDirectory) throws ConfigException {
    if (Files.isDirectory(fileOrDirectory)) {
      List<ConfigSource> sources = new ArrayList<>();
      for (Path file : yamlFiles(fileOrDirectory)) {
        String name = file.getFileName().toString();
        sources.add(new ConfigSource(name, read(file, name)));
      }
      return sources;
    }
    if (Files.isRegularFile(fileOrDirectory)) {
      String name = fileOrDirectory.toString();
      return List.of(new ConfigSource(name, read(fileOrDirectory, name)));
    }
    throw new ConfigException(fileOrDirectory + ": no such file or directory");
  }

  static RateLimitConfig parse(List<ConfigSource> sources, boolean mergeDomains) throws ConfigException {
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

  private static List<Path> yamlFiles(Path directory) throws ConfigException {
    List<Path> files;
    try (Stream<Path> entries = Files.list(directory)) {
      files = entries
          .filter(ConfigLoader::isConfigFileName)
          .filter(Files::isRegularFile)
          .sorted(Comparator.comparing(path -> path.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new ConfigException(directory + ": cannot list the directory: " + e);
    }
    if (files.isEmpty()) {
      throw new ConfigException("no .yaml files in " + directory);
    }
    return files;
  }

  private static boolean isConfigFileName(Path path) {
    String name = path.getFileName().toString();
    return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"));
  }

  private static String read(Path file, String name) throws ConfigException {
    try {
      return Files.readString(file);
    } catch (MalformedInputException e) {
      throw ConfigErrors.at(name, "", "the file is not UTF-8 text", 0);
    } catch (IOException e) {
      throw ConfigErrors.at(name, "", "cannot read the file: " + e, 0);
    }
  }
}
