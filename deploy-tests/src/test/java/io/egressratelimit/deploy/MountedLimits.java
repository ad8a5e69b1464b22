package io.egressratelimit.deploy;

import io.egressratelimit.config.ConfigException;
import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.config.files.LimitsFiles;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The limits ConfigMap laid out on disk the way the kubelet mounts it (files are symlinks through
 * "..data" to a timestamped directory), then loaded by the service's own config loader.
 */
final class MountedLimits {
  private MountedLimits() {}

  static RateLimitConfig load(ConfigMap limits) throws IOException, ConfigException {
    Path mount = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "limits-mount-");
    Path version = Files.createDirectory(mount.resolve("..2026_11_22_00_00_00.000000001"));
    for (Map.Entry<String, String> file : limits.getData().entrySet()) {
      Files.writeString(version.resolve(file.getKey()), file.getValue());
    }
    Files.createSymbolicLink(mount.resolve("..data"), version.getFileName());
    for (String name : limits.getData().keySet()) {
      Files.createSymbolicLink(mount.resolve(name), Path.of("..data").resolve(name));
    }
    return LimitsFiles.load(mount);
  }
}
