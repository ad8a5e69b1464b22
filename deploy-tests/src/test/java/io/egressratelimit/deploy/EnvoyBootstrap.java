package io.egressratelimit.deploy;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.egressratelimit.testing.envoy.FieldsNewerThanTheApi;
import io.envoyproxy.envoy.extensions.bootstrap.internal_listener.v3.InternalListener;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.cache.v3.CacheConfig;
import io.envoyproxy.envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaBucketSettings;
import io.envoyproxy.envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaFilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.formatter.req_without_query.v3.ReqWithoutQuery;
import io.envoyproxy.envoy.extensions.http.cache.simple_http_cache.v3.SimpleHttpCacheConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.matcher.v3.HttpRequestHeaderMatchInput;
import java.util.List;
import java.util.Optional;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * An Envoy bootstrap parsed the way Envoy parses it: into the Envoy API's protobuf types, with
 * every typed_config type known and unknown fields refused (no ignoringUnknownFields), so a
 * misspelled field, a bad enum or a "250ms" duration fails here.
 */
final class EnvoyBootstrap {
  private static final JsonFormat.TypeRegistry TYPES =
      JsonFormat.TypeRegistry.newBuilder()
          .add(InternalListener.getDescriptor())
          .add(HttpConnectionManager.getDescriptor())
          .add(RateLimit.getDescriptor())
          .add(RateLimitQuotaFilterConfig.getDescriptor())
          .add(RateLimitQuotaBucketSettings.getDescriptor())
          .add(HttpRequestHeaderMatchInput.getDescriptor())
          .add(Router.getDescriptor())
          .add(HttpProtocolOptions.getDescriptor())
          .add(UpstreamTlsContext.getDescriptor())
          .add(StdoutAccessLog.getDescriptor())
          .add(ReqWithoutQuery.getDescriptor())
          .add(CacheConfig.getDescriptor())
          .add(SimpleHttpCacheConfig.getDescriptor())
          .build();

  private EnvoyBootstrap() {}

  static Bootstrap parse(String yaml) {
    Bootstrap.Builder builder = Bootstrap.newBuilder();
    try {
      String json = new KubernetesSerialization().convertToJson(yaml);
      JsonFormat.parser().usingTypeRegistry(TYPES).merge(withoutFieldsNewerThanTheApi(json), builder);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("the Envoy bootstrap does not parse: " + e.getMessage(), e);
    }
    return builder.build();
  }

  private static String withoutFieldsNewerThanTheApi(String json) {
    JsonElement tree = JsonParser.parseString(json);
    strip(tree);
    return tree.toString();
  }

  private static void strip(JsonElement node) {
    if (node.isJsonObject()) {
      JsonObject object = node.getAsJsonObject();
      JsonElement type = object.get("@type");
      if (type != null && type.isJsonPrimitive()) {
        FieldsNewerThanTheApi.of(type.getAsString()).forEach(object::remove);
      }
      object.entrySet().forEach(entry -> strip(entry.getValue()));
    } else if (node.isJsonArray()) {
      node.getAsJsonArray().forEach(EnvoyBootstrap::strip);
    }
  }

  /** The connection manager of the internal listener where the limiter runs, behind the cache. */
  static HttpConnectionManager limiter(Bootstrap bootstrap) {
    return connectionManager(bootstrap.getStaticResources().getListenersList().stream()
        .filter(l -> l.getName().equals("egress_limited")).findFirst()
        .orElseThrow(() -> new AssertionError("no egress_limited listener")));
  }

  static <T extends Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("typed_config is not a " + type.getSimpleName() + ": " + any.getTypeUrl(), e);
    }
  }

  static Cluster cluster(Bootstrap bootstrap, String name) {
    return bootstrap.getStaticResources().getClustersList().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no cluster " + name));
  }

  /** The single endpoint of a static cluster. */
  static SocketAddress endpoint(Cluster cluster) {
    return cluster.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress();
  }

  static HttpConnectionManager connectionManager(Listener listener) {
    return unpack(listener.getFilterChains(0).getFilters(0).getTypedConfig(), HttpConnectionManager.class);
  }

  static RateLimit rateLimitFilter(HttpConnectionManager manager) {
    return manager.getHttpFiltersList().stream()
        .filter(f -> f.getName().equals("envoy.filters.http.ratelimit"))
        .map(f -> unpack(f.getTypedConfig(), RateLimit.class))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no envoy.filters.http.ratelimit filter"));
  }

  /** The rate_limit_quota filter, when the gateway limits with RLQS. */
  static Optional<RateLimitQuotaFilterConfig> quotaFilter(HttpConnectionManager manager) {
    return manager.getHttpFiltersList().stream()
        .filter(f -> f.getName().equals("envoy.filters.http.rate_limit_quota"))
        .map(f -> unpack(f.getTypedConfig(), RateLimitQuotaFilterConfig.class))
        .findFirst();
  }

  /** The bucket settings of each of the filter's matchers, in order. */
  static List<RateLimitQuotaBucketSettings> bucketSettings(RateLimitQuotaFilterConfig filter) {
    return filter.getBucketMatchers().getMatcherList().getMatchersList().stream()
        .map(m -> unpack(m.getOnMatch().getAction().getTypedConfig(), RateLimitQuotaBucketSettings.class))
        .toList();
  }
}
