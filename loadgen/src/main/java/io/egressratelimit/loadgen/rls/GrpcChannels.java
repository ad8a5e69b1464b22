package io.egressratelimit.loadgen.rls;

import io.grpc.ChannelCredentials;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Channels to the service's replicas, opened and warmed the way Envoy keeps its own. */
public final class GrpcChannels {
  private GrpcChannels() {}

  /**
   * @param caFile when present, TLS, trusting this CA bundle (PEM); plaintext otherwise
   * @throws IOException when the CA file cannot be read
   */
  public static ManagedChannel open(RlsTarget target, Optional<Path> caFile) throws IOException {
    ChannelCredentials credentials =
        caFile.isPresent()
            ? TlsChannelCredentials.newBuilder().trustManager(caFile.get().toFile()).build()
            : InsecureChannelCredentials.create();
    return Grpc.newChannelBuilderForAddress(target.host(), target.port(), credentials).build();
  }

  /**
   * Connects every channel before the run, so the first calls do not spend their deadline on
   * connection setup.
   *
   * @return the indexes of the channels that did not become ready in time
   */
  public static List<Integer> awaitReady(List<ManagedChannel> channels, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    List<Integer> notReady = new ArrayList<>();
    for (int i = 0; i < channels.size(); i++) {
      ManagedChannel channel = channels.get(i);
      while (channel.getState(true) != ConnectivityState.READY && System.nanoTime() < end) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
      if (channel.getState(false) != ConnectivityState.READY) {
        notReady.add(i);
      }
    }
    return notReady;
  }

  public static void close(List<ManagedChannel> channels) {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    for (ManagedChannel channel : channels) {
      try {
        channel.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
