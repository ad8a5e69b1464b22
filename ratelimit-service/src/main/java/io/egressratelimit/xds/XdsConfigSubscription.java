package io.egressratelimit.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.egressratelimit.config.ConfigException;
import io.egressratelimit.config.ConfigLoadListener;
import io.egressratelimit.config.ConfigParser;
import io.egressratelimit.config.DomainRemoval;
import io.egressratelimit.config.RateLimitConfig;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the limits from an xDS management server: one ADS stream, state of the world, subscribed
 * to every {@code RateLimitConfig} resource of this node. Each response replaces the config in
 * force whole, and only when every resource in it passes the same checks as a file; then it is
 * ACKed. A bad one is NACKed with the reason in {@code error_detail}, and the last good config
 * stays. When the stream ends it is opened again after a back-off, asking from the last version
 * accepted, and the config in force keeps answering meanwhile.
 */
public final class XdsConfigSubscription implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(XdsConfigSubscription.class);
  /** google.rpc.Code.INVALID_ARGUMENT: the update, not the stream, is at fault. */
  private static final int INVALID_ARGUMENT = 3;

  private final XdsSettings settings;
  private final boolean mergeDomains;
  private final boolean allowDomainRemoval;
  private final ConfigLoadListener listener;
  private final ManagedChannel channel;
  private final Node node;
  private final ScheduledExecutorService scheduler;
  private final AtomicReference<RateLimitConfig> current = new AtomicReference<>(emptyConfig());
  private volatile boolean received;

  // Guarded by this: which stream is live, and what to ask for when it is opened again.
  private Stream active;
  private String acceptedVersion = "";
  private int failures;
  private boolean closed;

  private XdsConfigSubscription(XdsSettings settings, boolean mergeDomains, boolean allowDomainRemoval,
      ConfigLoadListener listener) {
    this.settings = settings;
    this.mergeDomains = mergeDomains;
    this.allowDomainRemoval = allowDomainRemoval;
    this.listener = listener;
    this.channel = XdsChannels.open(settings);
    this.node = node(settings);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "xds-reconnect");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Opens the stream and returns at once; the config in force is empty until the first good
   * update arrives ({@link #hasConfig()}).
   *
   * @param mergeDomains MERGE_DOMAIN_CONFIG: a domain in several resources merges instead of being refused
   * @param allowDomainRemoval ALLOW_DOMAIN_REMOVAL: an update may remove a domain that has rules in force
   * @throws IllegalArgumentException when the TLS files cannot be used
   */
  public static XdsConfigSubscription start(XdsSettings settings, boolean mergeDomains, boolean allowDomainRemoval,
      ConfigLoadListener listener) {
    XdsConfigSubscription subscription = new XdsConfigSubscription(settings, mergeDomains, allowDomainRemoval,
        listener);
    LOG.info("taking the limits config from the xDS server at {} as node '{}'{}", settings.serverUrl(),
        settings.nodeId(), settings.tls().isPresent() ? " over TLS" : "");
    subscription.open();
    return subscription;
  }

  /** The config in force: a snapshot that never changes under the caller. */
  public RateLimitConfig current() {
    return current.get();
  }

  /** Whether a config from the server is in force yet. */
  public boolean hasConfig() {
    return received;
  }

  public String serverUrl() {
    return settings.serverUrl();
  }

  private synchronized void open() {
    if (closed) {
      return;
    }
    Stream stream = new Stream();
    active = stream;
    stream.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(stream);
    stream.send(request(acceptedVersion, "").build());
  }

  private void onResponse(Stream stream, DiscoveryResponse response) {
    synchronized (this) {
      if (stream != active || closed) {
        return;
      }
      failures = 0;
    }
    if (!ResourceSet.TYPE_URL.equals(response.getTypeUrl())) {
      LOG.warn("the xDS server sent resources of type {}, which were not asked for; ignored", response.getTypeUrl());
      return;
    }
    RateLimitConfig config;
    try {
      config = ResourceSet.decode(response.getResourcesList(), mergeDomains);
    } catch (ConfigException e) {
      reject(stream, response, e);
      return;
    } catch (RuntimeException e) {
      // An update must never take the last good config down with it, whatever went wrong.
      reject(stream, response, new ConfigException("version " + response.getVersionInfo() + ": " + e, e));
      return;
    }
    if (!allowDomainRemoval) {
      Optional<DomainRemoval.Refusal> refusal = DomainRemoval.refusal(current.get(), config,
          "version " + response.getVersionInfo() + " from the xDS server");
      if (refusal.isPresent()) {
        reject(stream, response, refusal.get().error());
        listener.onDomainRemovalRefused(refusal.get().domains());
        return;
      }
    }
    current.set(config);
    received = true;
    synchronized (this) {
      acceptedVersion = response.getVersionInfo();
    }
    stream.send(request(response.getVersionInfo(), response.getNonce()).build());
    listener.onLoaded(config);
    LOG.info("limits config version '{}' from the xDS server in force: {} domain(s), {} rule(s)",
        response.getVersionInfo(), config.domains().size(), config.rules().size());
  }

  private void reject(Stream stream, DiscoveryResponse response, ConfigException error) {
    String version;
    synchronized (this) {
      version = acceptedVersion;
    }
    stream.send(request(version, response.getNonce())
        .setErrorDetail(com.google.rpc.Status.newBuilder().setCode(INVALID_ARGUMENT).setMessage(error.getMessage()))
        .build());
    listener.onRejected(error);
    LOG.warn("limits config version '{}' from the xDS server rejected; the last good config stays in force: {}",
        response.getVersionInfo(), error.getMessage());
  }

  private synchronized void onEnded(Stream stream, String why) {
    if (stream != active || closed) {
      return;
    }
    active = null;
    failures++;
    Duration delay = settings.backoff().delay(failures, ThreadLocalRandom.current()::nextDouble);
    LOG.warn("the xDS stream to {} ended ({}); opening it again in {} ms; the config in force keeps answering",
        settings.serverUrl(), why, delay.toMillis());
    try {
      scheduler.schedule(this::open, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // closing: nothing more to open
    }
  }

  private DiscoveryRequest.Builder request(String versionInfo, String nonce) {
    return DiscoveryRequest.newBuilder()
        .setNode(node)
        .setTypeUrl(ResourceSet.TYPE_URL)
        .setVersionInfo(versionInfo)
        .setResponseNonce(nonce);
  }

  private static Node node(XdsSettings settings) {
    Struct.Builder metadata = Struct.newBuilder();
    for (Map.Entry<String, String> field : settings.nodeMetadata().entrySet()) {
      metadata.putFields(field.getKey(), Value.newBuilder().setStringValue(field.getValue()).build());
    }
    return Node.newBuilder()
        .setId(settings.nodeId())
        .setUserAgentName("ratelimit-service")
        .setMetadata(metadata)
        .build();
  }

  private static RateLimitConfig emptyConfig() {
    try {
      return ConfigParser.parseDocuments(Map.of(), false);
    } catch (ConfigException e) {
      throw new IllegalStateException("an empty config cannot fail", e);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      active = null;
    }
    scheduler.shutdownNow();
    channel.shutdownNow();
  }

  /** One attempt at the stream; callbacks from an attempt that is no longer the live one are ignored. */
  private final class Stream implements StreamObserver<DiscoveryResponse> {
    private StreamObserver<DiscoveryRequest> requests;

    synchronized void send(DiscoveryRequest request) {
      try {
        requests.onNext(request);
      } catch (IllegalStateException | io.grpc.StatusRuntimeException e) {
        // The stream already ended: onError follows and opens a new one.
      }
    }

    @Override
    public void onNext(DiscoveryResponse response) {
      onResponse(this, response);
    }

    @Override
    public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      onEnded(this, status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription()));
    }

    @Override
    public void onCompleted() {
      onEnded(this, "the server closed it");
    }
  }
}
