package io.egressratelimit.redis;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketLevel;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.StoreUnavailableException;
import java.time.Duration;
import java.util.List;
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
  private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
  private volatile BucketStore store;
  private volatile StoreUnavailableException notConnected =
      new StoreUnavailableException("redis is not connected yet: the first attempt is under way");
  private volatile boolean closed;
  private Thread retries;

  ConnectingRedisStore(Supplier<BucketStore> connect, String address, ConnectBackoff backoff) {
    this.connect = connect;
    this.address = address;
    this.backoff = backoff;
  }

  /**
   * Starts connecting on a thread of its own, so the Redis client starts up while the rest of the
   * service does. {@link #awaitFirstAttempt()} tells how the first attempt went.
   *
   * @param connect one attempt to connect and build the store of the configured strategy
   */
  public static ConnectingRedisStore start(RedisStoreSettings settings, Supplier<BucketStore> connect) {
    ConnectingRedisStore store = new ConnectingRedisStore(connect,
        RedisConnector.description(settings), ConnectBackoff.DEFAULT);
    store.startConnecting();
    return store;
  }

  void startConnecting() {
    retries = new Thread(this::connectUntilConnected, "redis-connect");
    retries.setDaemon(true);
    retries.start();
  }

  /**
   * Waits for the first attempt. A Redis that answered and refused the credentials or the TLS
   * setup throws a {@link RedisConnectException} that is not {@link RedisConnectException#retryable()
   * retryable}, and so does a malformed address: waiting never fixes those, so start-up stops with
   * one line. Anything else is waited out in the background.
   */
  public void awaitFirstAttempt() {
    try {
      firstAttempt.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  private void connectUntilConnected() {
    try {
      onConnected(connect.get());
      firstAttempt.complete(null);
      return;
    } catch (RedisConnectException e) {
      if (!e.retryable()) {
        firstAttempt.completeExceptionally(e);
        return;
      }
      notConnected = new StoreUnavailableException("redis is not connected yet: " + e.getMessage());
      LOG.warn("{}; answering by the failure policy, health NOT_SERVING, and retrying every {} ms at most",
          e.getMessage(), backoff.max().toMillis());
      firstAttempt.complete(null);
    } catch (RuntimeException e) {
      firstAttempt.completeExceptionally(e);
      return;
    }
    retryUntilConnected();
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
  public CompletionStage<List<BucketLevel>> peek(BucketBatch batch) {
    BucketStore current = store;
    if (current == null) {
      return CompletableFuture.failedFuture(notConnected);
    }
    return current.peek(batch);
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
