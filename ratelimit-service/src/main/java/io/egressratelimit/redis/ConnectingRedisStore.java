package io.egressratelimit.redis;

import io.egressratelimit.limiter.BatchOutcome;
import io.egressratelimit.limiter.BucketBatch;
import io.egressratelimit.limiter.BucketStore;
import io.egressratelimit.limiter.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis store from the moment the service starts, whether Redis is there yet or not. Until the
 * first connection succeeds it refuses every call at once (so the failure policy answers), while a
 * thread of its own tries again with capped exponential back-off. Once connected, Lettuce
 * reconnects a lost connection by itself; this class only covers a Redis that was never reached.
 *
 * <p>On Kubernetes the service and Redis start together: exiting because Redis is not listening
 * yet would only crash-loop the pods with a growing back-off, and bring them up later than Redis.
 */
public final class ConnectingRedisStore implements BucketStore {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectingRedisStore.class);
  /** The same reason is logged again at most this often, so a long wait stays visible but quiet. */
  private static final Duration REPEAT_LOG_EVERY = Duration.ofSeconds(30);

  private final Supplier<BucketStore> connect;
  private final String address;
  private final ConnectBackoff backoff;
  private final CompletableFuture<Void> connected = new CompletableFuture<>();
  private volatile BucketStore store;
  private volatile StoreUnavailableException notConnected;
  private volatile boolean closed;
  private Thread retries;

  ConnectingRedisStore(Supplier<BucketStore> connect, String address, ConnectBackoff backoff) {
    this.connect = connect;
    this.address = address;
    this.backoff = backoff;
  }

  /**
   * Tries once now. A Redis that answered and refused the credentials or the TLS setup throws a
   * {@link RedisConnectException} that is not {@link RedisConnectException#retryable() retryable}: waiting
   * never fixes that, so start-up stops with one line. Anything else is waited out in the background.
   */
  public static ConnectingRedisStore start(RedisStoreSettings settings) {
    ConnectingRedisStore store = new ConnectingRedisStore(() -> RedisStores.connect(settings),
        RedisConnector.description(settings), ConnectBackoff.DEFAULT);
    store.startConnecting();
    return store;
  }

  void startConnecting() {
    try {
      onConnected(connect.get());
      return;
    } catch (RedisConnectException e) {
      if (!e.retryable()) {
        throw e;
      }
      notConnected = new StoreUnavailableException("redis is not connected yet: " + e.getMessage());
      LOG.warn("{}; answering by the failure policy, health NOT_SERVING, and retrying every {} ms at most",
          e.getMessage(), backoff.max().toMillis());
    }
    retries = new Thread(this::retryUntilConnected, "redis-connect");
    retries.setDaemon(true);
    retries.start();
  }

  private void retryUntilConnected() {
    String lastLogged = notConnected.getMessage();
    long lastLoggedAt = System.nanoTime();
    for (int attempt = 1; !closed; attempt++) {
      try {
        Thread.sleep(backoff.delayBefore(attempt).toMillis());
        onConnected(connect.get());
        LOG.info("connected to Redis {} after {} attempt(s)", address, attempt + 1);
        return;
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        String reason = String.valueOf(e.getMessage());
        notConnected = new StoreUnavailableException("redis is not connected yet: " + reason);
        boolean refused = e instanceof RedisConnectException c && !c.retryable();
        if (!reason.equals(lastLogged) || System.nanoTime() - lastLoggedAt > REPEAT_LOG_EVERY.toNanos()) {
          if (refused) {
            LOG.error("{}; fix the Redis credentials or TLS settings; still retrying", reason);
          } else {
            LOG.warn("{}; still retrying", reason);
          }
          lastLogged = reason;
          lastLoggedAt = System.nanoTime();
        }
      }
    }
  }

  private void onConnected(BucketStore connectedStore) {
    synchronized (this) {
      if (closed) {
        connectedStore.close();
        return;
      }
      store = connectedStore;
    }
    connected.complete(null);
  }

  /** Completes once, when the first connection is up; never fails. */
  public CompletionStage<Void> connected() {
    return connected;
  }

  @Override
  public CompletionStage<BatchOutcome> consume(BucketBatch batch) {
    BucketStore current = store;
    if (current == null) {
      return CompletableFuture.failedFuture(notConnected);
    }
    return current.consume(batch);
  }

  @Override
  public String describe() {
    BucketStore current = store;
    return current != null ? current.describe() : "redis " + address + " (not connected yet)";
  }

  @Override
  public void close() {
    BucketStore current;
    synchronized (this) {
      closed = true;
      current = store;
    }
    if (retries != null) {
      retries.interrupt();
    }
    if (current != null) {
      current.close();
    }
  }
}
