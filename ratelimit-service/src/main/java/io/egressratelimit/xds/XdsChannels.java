package io.egressratelimit.xds;

import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/** The channel to the management server: plaintext, TLS or mTLS, with the extra headers. */
final class XdsChannels {
  private XdsChannels() {}

  static ManagedChannel open(XdsSettings settings) {
    ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(settings.serverUrl(), credentials(settings.tls()))
        .maxInboundMessageSize(settings.maxMessageBytes())
        .userAgent("ratelimit-service");
    settings.tls().flatMap(XdsTlsSettings::serverName).ifPresent(builder::overrideAuthority);
    if (!settings.headers().isEmpty()) {
      builder.intercept(headers(settings.headers()));
    }
    return builder.build();
  }

  private static ChannelCredentials credentials(Optional<XdsTlsSettings> tls) {
    if (tls.isEmpty()) {
      return InsecureChannelCredentials.create();
    }
    XdsTlsSettings files = tls.get();
    TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
    try {
      if (files.serverCa().isPresent()) {
        builder.trustManager(files.serverCa().get().toFile());
      }
      if (files.clientCertificate().isPresent()) {
        builder.keyManager(files.clientCertificate().get().toFile(), files.clientKey().orElseThrow().toFile());
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the xDS TLS files are not usable: " + e.getMessage(), e);
    }
    return builder.build();
  }

  private static ClientInterceptor headers(Map<String, String> headers) {
    Metadata metadata = new Metadata();
    headers.forEach((name, value) ->
        metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
    return MetadataUtils.newAttachHeadersInterceptor(metadata);
  }
}
