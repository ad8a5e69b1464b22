package io.egressratelimit.config.files;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back on any change in the config directory (for a single file, in the directory that holds
 * it). It watches the directory rather than the files because a ConfigMap update never writes the
 * files: it renames a new {@code ..data} symlink over the old one, and only the directory sees it.
 */
final class DirectoryWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatch.class);

  private final WatchService service;

  private DirectoryWatch(WatchService service) {
    this.service = service;
  }

  /** Starts watching; when the platform cannot watch the directory, says so and returns a no-op (polling remains). */
  static DirectoryWatch start(Path configPath, Runnable onChange) {
    Path directory = Files.isDirectory(configPath) ? configPath : configPath.toAbsolutePath().getParent();
    WatchService service = null;
    try {
      service = directory.getFileSystem().newWatchService();
      directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
          StandardWatchEventKinds.ENTRY_MODIFY);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("cannot watch {} for changes ({}); relying on polling", directory, e.getMessage());
      closeQuietly(service);
      return new DirectoryWatch(null);
    }
    WatchService watching = service;
    Thread thread = new Thread(() -> deliver(watching, onChange), "config-watch");
    thread.setDaemon(true);
    thread.start();
    return new DirectoryWatch(service);
  }

  private static void deliver(WatchService service, Runnable onChange) {
    try {
      while (true) {
        WatchKey key = service.take();
        key.pollEvents(); // which entry changed does not matter: the whole config is read again
        onChange.run();
        if (!key.reset()) {
          LOG.warn("the config directory can no longer be watched; relying on polling");
          return;
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed on shutdown
    }
  }

  private static void closeQuietly(WatchService service) {
    if (service != null) {
      try {
        service.close();
      } catch (IOException ignored) {
        // nothing was being watched yet
      }
    }
  }

  @Override
  public void close() {
    closeQuietly(service);
  }
}
