package io.egressratelimit.rlqs;

import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.rlqs.ledger.QuotaAssigner;
import io.egressratelimit.rlqs.ledger.QuotaBoard;
import io.egressratelimit.rlqs.ledger.QuotaMetrics;
import io.egressratelimit.rlqs.ledger.SubscriberId;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaServiceGrpc;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports.BucketQuotaUsage;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code StreamRateLimitQuotas}: every report on a stream is answered with an action for each of
 * its buckets, on the same stream. A stream's reports are handled one after the other, so its
 * assignments leave in the order the ledger recorded them: Envoy always ends up applying the one the
 * ledger counts as its current one.
 */
public final class RateLimitQuotaGrpcService extends RateLimitQuotaServiceGrpc.RateLimitQuotaServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimitQuotaGrpcService.class);

  private final BucketRules rules;
  private final QuotaAssigner assigner;
  private final QuotaBoard board;
  private final QuotaMetrics metrics;
  /** Subscriber ids must differ between replicas and between streams, also after a restart. */
  private final String replicaId = UUID.randomUUID().toString().substring(0, 8);
  private final AtomicLong streams = new AtomicLong();

  public RateLimitQuotaGrpcService(Supplier<RateLimitConfig> config, QuotaAssigner assigner, QuotaBoard board,
      QuotaMetrics metrics) {
    this.rules = new BucketRules(config);
    this.assigner = assigner;
    this.board = board;
    this.metrics = metrics;
  }

  /** The service as the gRPC server should bind it: each stream learns the address of its Envoy. */
  public ServerServiceDefinition withEnvoyAddresses() {
    return ServerInterceptors.intercept(this, new EnvoyAddress());
  }

  @Override
  public StreamObserver<RateLimitQuotaUsageReports> streamRateLimitQuotas(
      StreamObserver<RateLimitQuotaResponse> responses) {
    metrics.streams(1);
    return new Stream(replicaId + "-" + streams.incrementAndGet(), EnvoyAddress.current(), responses);
  }

  private final class Stream implements StreamObserver<RateLimitQuotaUsageReports> {
    private final String id;
    private final String envoy;
    private final StreamObserver<RateLimitQuotaResponse> responses;
    private String domain;
    private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
    private boolean ended;

    Stream(String id, String envoy, StreamObserver<RateLimitQuotaResponse> responses) {
      this.id = id;
      this.envoy = envoy;
      this.responses = responses;
    }

    @Override
    public synchronized void onNext(RateLimitQuotaUsageReports reports) {
      if (ended) {
        return;
      }
      if (domain == null) {
        if (reports.getDomain().isEmpty()) {
          end();
          responses.onError(Status.INVALID_ARGUMENT
              .withDescription("the first RateLimitQuotaUsageReports of a stream must name the domain").asRuntimeException());
          return;
        }
        domain = reports.getDomain();
      }
      previous = previous.thenCompose(done -> answer(reports)).exceptionally(failure -> {
        LOG.warn("RLQS stream {}: a report went unanswered: {}", id, failure.toString());
        return null;
      });
    }

    private CompletableFuture<Void> answer(RateLimitQuotaUsageReports reports) {
      List<CompletableFuture<Optional<BucketAction>>> actions = new ArrayList<>();
      for (BucketQuotaUsage usage : reports.getBucketQuotaUsagesList()) {
        actions.add(action(usage));
      }
      return CompletableFuture.allOf(actions.toArray(CompletableFuture[]::new)).thenAccept(done -> {
        RateLimitQuotaResponse.Builder response = RateLimitQuotaResponse.newBuilder();
        actions.forEach(action -> action.join().ifPresent(response::addBucketAction));
        send(response);
      });
    }

    /** Empty when the ledger could not be reached: Envoy keeps its assignment until the TTL. */
    private CompletableFuture<Optional<BucketAction>> action(BucketQuotaUsage usage) {
      metrics.usageReported();
      BucketId bucket = usage.getBucketId();
      Optional<QuotaRule> rule = rules.ruleFor(domain, bucket.getBucketMap());
      if (rule.isEmpty()) {
        metrics.assignmentSent("abandon", false);
        return CompletableFuture.completedFuture(Optional.of(Assignments.abandon(bucket)));
      }
      QuotaRule quota = rule.get();
      board.reported(quota.ledgerKey(), quota.fullKey(), label(bucket), quota.budget());
      long requests = usage.getNumRequestsAllowed() + usage.getNumRequestsDenied();
      return assigner.report(quota.ledgerKey(), quota.fullKey(), quota.budget(), subscriber(bucket), requests)
          .toCompletableFuture()
          .thenApply(assigned -> {
            metrics.assignmentSent(assigned.share().none() ? "deny_all" : "token_bucket", assigned.renewed());
            return Optional.of(Assignments.assignment(bucket, assigned.share(), quota.budget().periodSeconds(),
                assigner.timing().ttl().toSeconds()));
          })
          .exceptionally(failure -> {
            metrics.reportUnanswered();
            LOG.warn("RLQS: no assignment for {} in {}: {}", bucket.getBucketMap(), quota.fullKey(), failure.toString());
            return Optional.empty();
          });
    }

    /** This stream's bucket, as an id without whitespace: the map's entries in key order. */
    private String subscriber(BucketId bucket) {
      StringBuilder canonical = new StringBuilder();
      new TreeMap<>(bucket.getBucketMap()).forEach((k, v) -> canonical.append(k).append('\0').append(v).append('\0'));
      return SubscriberId.of(id, envoy, Base64.getUrlEncoder().withoutPadding()
          .encodeToString(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private synchronized void send(RateLimitQuotaResponse.Builder response) {
      if (!ended && response.getBucketActionCount() > 0) {
        responses.onNext(response.build());
      }
    }

    @Override
    public synchronized void onError(Throwable t) {
      end();
    }

    @Override
    public synchronized void onCompleted() {
      previous.whenComplete((done, failure) -> endStream());
    }

    private synchronized void endStream() {
      if (!ended) {
        end();
        responses.onCompleted();
      }
    }

    /** Ends the stream once, whichever side ended it. */
    private void end() {
      if (!ended) {
        ended = true;
        metrics.streams(-1);
      }
    }
  }

  /** A BucketId's entries in key order, as {@code /budgets} shows them. */
  static String label(BucketId bucket) {
    StringBuilder label = new StringBuilder();
    new TreeMap<>(bucket.getBucketMap()).forEach((k, v) -> label.append(label.length() == 0 ? "" : ",").append(k)
        .append('=').append(v));
    return label.toString();
  }
}
