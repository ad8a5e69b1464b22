package io.egressratelimit.config.files;

import io.egressratelimit.config.ConfigException;
import io.egressratelimit.config.ConfigLoadListener;
import io.egressratelimit.config.ConfigParser;
import io.egressratelimit.config.ConfigSource;
import io.egressratelimit.config.DomainRemoval;
import io.egressratelimit.config.RateLimitConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the config in force and replaces it when the files change. A new config goes into force
 * only whole and only when valid; a rejected one is logged with its file and path, and the last
 * good config stays. Changes are noticed by a {@link DirectoryWatch} (debounced, because a
 * Kubernetes ConfigMap update is a burst of events around the {@code ..data} symlink swap) and by
 * polling as a fallback for file systems that send no events.
 */
public final class ConfigReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

  private final Path path;
  private final boolean mergeDomains;
  private final boolean allowDomainRemoval;
  private final ConfigLoadListener listener;
  private final Duration debounce;
  private final AtomicReference<RateLimitConfig> current;
  private final ScheduledExecutorService scheduler;
  private List<ConfigSource> lastSources;
  private String lastUnreadable;
  private ScheduledFuture<?> pendingReload;
  private DirectoryWatch watch;

  private ConfigReloader(Path path, boolean mergeDomains, boolean allowDomainRemoval, ConfigLoadListener listener,
      Duration debounce, List<ConfigSource> sources, RateLimitConfig initial) {
    this.path = path;
    this.mergeDomains = mergeDomains;
    this.allowDomainRemoval = allowDomainRemoval;
    this.listener = listener;
    this.debounce = debounce;
    this.lastSources = sources;
    this.current = new AtomicReference<>(initial);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "config-reload");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Loads the config once and keeps it current.
   *
   * @param pollInterval how often to compare the files with the config in force; zero relies on
   *     file system events alone
   * @param debounce how long the files must be quiet after an event before they are read
   * @throws ConfigException when the first load fails: there is no good config to keep
   */
  public static ConfigReloader start(Path path, Duration pollInterval, Duration debounce, ConfigLoadListener listener)
      throws ConfigException {
    return start(path, pollInterval, debounce, listener, false, false);
  }

  /**
   * As {@link #start(Path, Duration, Duration, ConfigLoadListener)}.
   *
   * @param mergeDomains MERGE_DOMAIN_CONFIG: a domain in several files merges instead of being refused
   * @param allowDomainRemoval ALLOW_DOMAIN_REMOVAL: a reload may remove a domain that has rules
   *     (see {@link DomainRemoval})
   */
  public static ConfigReloader start(Path path, Duration pollInterval, Duration debounce, ConfigLoadListener listener,
      boolean mergeDomains, boolean allowDomainRemoval) throws ConfigException {
    Objects.requireNonNull(listener, "listener");
    List<ConfigSource> sources;
    RateLimitConfig initial;
    try {
      sources = LimitsFiles.read(path);
      initial = ConfigParser.parse(sources, mergeDomains);
    } catch (ConfigException e) {
      listener.onRejected(e);
      throw e;
    }
    listener.onLoaded(initial);
    ConfigReloader reloader = new ConfigReloader(path, mergeDomains, allowDomainRemoval, listener, debounce, sources,
        initial);
    reloader.watch = DirectoryWatch.start(path, reloader::scheduleReload);
    if (!pollInterval.isZero()) {
      long millis = pollInterval.toMillis();
      reloader.scheduler.scheduleWithFixedDelay(reloader::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
    }
    return reloader;
  }

  /** The config in force: a snapshot that never changes under the caller. */
  public RateLimitConfig current() {
    return current.get();
  }

  /**
   * Reads the files and, when they differ from the last read, loads them.
   *
   * @return whether a new config went into force
   */
  public synchronized boolean reloadIfChanged() {
    List<ConfigSource> sources;
    try {
      sources = LimitsFiles.read(path);
    } catch (ConfigException e) {
      lastSources = null;
      if (!e.getMessage().equals(lastUnreadable)) { // polling the same missing files says nothing new
        lastUnreadable = e.getMessage();
        reject(e);
      }
      return false;
    }
    lastUnreadable = null;
    if (sources.equals(lastSources)) {
      return false;
    }
    lastSources = sources;
    RateLimitConfig loaded;
    try {
      loaded = ConfigParser.parse(sources, mergeDomains);
    } catch (ConfigException e) {
      reject(e);
      return false;
    } catch (RuntimeException e) {
      // A reload must never take the last good config down with it, whatever went wrong.
      reject(new ConfigException(path + ": " + e, e));
      return false;
    }
    if (!allowDomainRemoval) {
      Optional<DomainRemoval.Refusal> refusal = DomainRemoval.refusal(current.get(), loaded, path.toString());
      if (refusal.isPresent()) {
        reject(refusal.get().error());
        listener.onDomainRemovalRefused(refusal.get().domains());
        return false;
      }
    }
    current.set(loaded);
    listener.onLoaded(loaded);
    LOG.info("limits config reloaded from {}: {} domain(s), {} rule(s)", path, loaded.domains().size(),
        loaded.rules().size());
    return true;
  }

  private void reject(ConfigException error) {
    listener.onRejected(error);
    LOG.warn("limits config rejected; the last good config stays in force: {}", error.getMessage());
  }

  private synchronized void scheduleReload() {
    if (pendingReload != null) {
      pendingReload.cancel(false);
    }
    try {
      pendingReload = scheduler.schedule(this::reloadIfChanged, debounce.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // closing: nothing more to load
    }
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
    scheduler.shutdownNow();
  }
}
