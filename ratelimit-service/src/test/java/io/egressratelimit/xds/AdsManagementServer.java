package io.egressratelimit.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Context;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An xDS management server for the tests: ADS over a real gRPC server on a socket, serving one
 * snapshot of resources of any type URL, state of the world.
 *
 * <p>java-control-plane 1.0.49 cannot serve this resource: its {@code SimpleCache} and stream
 * handling know only Envoy's five built-in type URLs ({@code Resources.ResourceType}); a request
 * for another type fails its {@code checkNotNull("unsupported type URL")} and
 * {@code Resources.getResourceApiVersion} throws. So this follows SimpleCache's rules on plain
 * grpc-java instead: a response goes out when the snapshot's version differs from the one the
 * client asked from, a request counts only with the nonce of the last response (or none), and a
 * version is not sent twice on one stream, so a NACKed version is not pushed again until the
 * snapshot changes. Every request is kept for the test to read its ACK or NACK.
 */
final class AdsManagementServer implements AutoCloseable {
  static final Metadata.Key<String> TOKEN = Metadata.Key.of("x-xds-token", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> TOKEN_SEEN = Context.key("token");

  private record Snapshot(String version, String typeUrl, List<Any> resources) {}

  /** A request as the server saw it, with the token header of its stream. */
  record Received(DiscoveryRequest request, String token) {
    boolean isAckOf(String version) {
      return !request.getResponseNonce().isEmpty() && !request.hasErrorDetail()
          && request.getVersionInfo().equals(version);
    }
  }

  private final Server server;
  private final List<Stream> streams = new ArrayList<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private int streamsOpened;
  private Snapshot snapshot;

  private AdsManagementServer(int port, ServerCredentials credentials) {
    ServerInterceptor captureToken = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        String token = headers.get(TOKEN);
        return Contexts.interceptCall(Context.current().withValue(TOKEN_SEEN, token == null ? "" : token),
            call, headers, next);
      }
    };
    this.server = Grpc.newServerBuilderForPort(port, credentials)
        .addService(ServerInterceptors.intercept(new Ads(), captureToken))
        .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Plaintext, on {@code port} (0 picks a free one). */
  static AdsManagementServer start(int port) {
    return new AdsManagementServer(port, InsecureServerCredentials.create());
  }

  /** TLS with the given server certificate, and client certificates signed by {@code clientCa} required. */
  static AdsManagementServer startMutualTls(Path certificate, Path key, Path clientCa) {
    try {
      return new AdsManagementServer(0, TlsServerCredentials.newBuilder().keyManager(certificate.toFile(), key.toFile())
          .trustManager(clientCa.toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getPort();
  }

  /** Replaces the snapshot, as a control plane does on a change, and pushes it to every stream. */
  synchronized void setSnapshot(String version, String typeUrl, List<Any> resources) {
    snapshot = new Snapshot(version, typeUrl, List.copyOf(resources));
    streams.forEach(Stream::respondIfBehind);
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  synchronized int streamsOpened() {
    return streamsOpened;
  }

  /** Stops at once, cutting every stream, as a crashed or restarted control plane does. */
  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Ads extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {
    @Override
    public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> responses) {
      Stream stream = new Stream(responses, TOKEN_SEEN.get());
      synchronized (AdsManagementServer.this) {
        streams.add(stream);
        streamsOpened++;
      }
      return stream;
    }
  }

  /** One client stream: what it asked from, and what was last sent on it. */
  private final class Stream implements StreamObserver<DiscoveryRequest> {
    private final StreamObserver<DiscoveryResponse> responses;
    private final String token;
    private String requestedVersion;
    private String typeUrl;
    private String sentVersion;
    private String sentNonce = "";
    private int nonces;

    Stream(StreamObserver<DiscoveryResponse> responses, String token) {
      this.responses = responses;
      this.token = token;
    }

    @Override
    public void onNext(DiscoveryRequest request) {
      received.add(new Received(request, token));
      synchronized (AdsManagementServer.this) {
        if (!request.getResponseNonce().equals(sentNonce)) {
          return; // answers an older response: stale
        }
        requestedVersion = request.getVersionInfo();
        typeUrl = request.getTypeUrl();
        respondIfBehind();
      }
    }

    /** Called with the server's lock held. */
    void respondIfBehind() {
      if (typeUrl == null || snapshot == null || !snapshot.typeUrl().equals(typeUrl)
          || snapshot.version().equals(requestedVersion) || snapshot.version().equals(sentVersion)) {
        return;
      }
      sentVersion = snapshot.version();
      sentNonce = "n" + (++nonces);
      responses.onNext(DiscoveryResponse.newBuilder().setVersionInfo(snapshot.version()).setTypeUrl(typeUrl)
          .addAllResources(snapshot.resources()).setNonce(sentNonce).build());
    }

    @Override
    public void onError(Throwable t) {
      forget();
    }

    @Override
    public void onCompleted() {
      forget();
      responses.onCompleted();
    }

    private void forget() {
      synchronized (AdsManagementServer.this) {
        streams.remove(this);
      }
    }
  }
}
