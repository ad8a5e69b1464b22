package io.egressratelimit.config.files;

import io.egressratelimit.config.ConfigErrors;
import io.egressratelimit.config.ConfigException;
import io.egressratelimit.config.ConfigParser;
import io.egressratelimit.config.ConfigSource;
import io.egressratelimit.config.RateLimitConfig;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the limits config from one YAML file or from a directory of them, one domain per file. With
 * {@link ConfigReloader} and {@link DirectoryWatch}, the only code that touches the file system for
 * limits; {@link ConfigParser} makes the config from what is read.
 */
public final class LimitsFiles {
  private LimitsFiles() {}

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
    return ConfigParser.parse(read(fileOrDirectory), mergeDomains);
  }

  /** Reads the text of every file {@link #load} would parse, without parsing it. */
  public static List<ConfigSource> read(Path fileOrDirectory) throws ConfigException {
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

  private static List<Path> yamlFiles(Path directory) throws ConfigException {
    List<Path> files;
    try (Stream<Path> entries = Files.list(directory)) {
      files = entries
          .filter(LimitsFiles::isConfigFileName)
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
