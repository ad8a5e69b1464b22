package io.egressratelimit.envoyconfig;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.extensions.bootstrap.internal_listener.v3.InternalListener;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.cache.v3.CacheConfig;
import io.envoyproxy.envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaBucketSettings;
import io.envoyproxy.envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaFilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.formatter.req_without_query.v3.ReqWithoutQuery;
import io.envoyproxy.envoy.extensions.http.cache.simple_http_cache.v3.SimpleHttpCacheConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.matcher.v3.HttpRequestHeaderMatchInput;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every message type our Envoy files put behind a {@code typed_config} (or another {@code Any}).
 * A type missing here makes the strict parse fail with "Cannot find type for url", which is the
 * point: a new extension is added here, and its proto to the validator includes in the pom.
 */
final class EnvoyTypes {
  private static final List<Message> TYPED_CONFIGS = List.of(
      InternalListener.getDefaultInstance(),
      HttpConnectionManager.getDefaultInstance(),
      Router.getDefaultInstance(),
      RateLimit.getDefaultInstance(),
      RateLimitPerRoute.getDefaultInstance(),
      RateLimitQuotaFilterConfig.getDefaultInstance(),
      RateLimitQuotaBucketSettings.getDefaultInstance(),
      HttpRequestHeaderMatchInput.getDefaultInstance(),
      CacheConfig.getDefaultInstance(),
      SimpleHttpCacheConfig.getDefaultInstance(),
      StdoutAccessLog.getDefaultInstance(),
      ReqWithoutQuery.getDefaultInstance(),
      UpstreamTlsContext.getDefaultInstance(),
      HttpProtocolOptions.getDefaultInstance());

  private static final Map<String, Message> BY_FULL_NAME = TYPED_CONFIGS.stream()
      .collect(Collectors.toUnmodifiableMap(m -> m.getDescriptorForType().getFullName(), Function.identity()));

  private static final JsonFormat.TypeRegistry REGISTRY = JsonFormat.TypeRegistry.newBuilder()
      .add(TYPED_CONFIGS.stream().map(Message::getDescriptorForType).toList())
      .build();

  private EnvoyTypes() {}

  static JsonFormat.TypeRegistry registry() {
    return REGISTRY;
  }

  /** The message inside {@code any}, as its generated class (so its validator can be found). */
  static Message unpack(Any any) {
    String typeName = any.getTypeUrl().substring(any.getTypeUrl().lastIndexOf('/') + 1);
    Message prototype = BY_FULL_NAME.get(typeName);
    if (prototype == null) {
      // The strict parse already refuses unknown types, so only a hand-built message lands here.
      throw new IllegalArgumentException("no registered type for " + any.getTypeUrl());
    }
    try {
      return any.unpack(prototype.getClass());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("cannot unpack " + any.getTypeUrl(), e);
    }
  }
}
