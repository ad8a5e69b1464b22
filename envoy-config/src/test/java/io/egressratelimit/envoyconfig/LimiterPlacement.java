package io.egressratelimit.envoyconfig;

import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * No limiter sits after the cache filter in one filter chain. Envoy's cache filter (1.40) fetches a
 * miss itself, through an async client straight to the route's cluster, so a filter after it is
 * never asked on a miss and every cacheable call goes out unlimited. The limiter belongs on a
 * listener that the cache's route leads to (an internal listener), where every miss passes it.
 */
final class LimiterPlacement {
  private static final String CACHE = "envoy.filters.http.cache";
  private static final Set<String> LIMITERS = Set.of("envoy.filters.http.ratelimit", "envoy.filters.http.rate_limit_quota");

  private LimiterPlacement() {}

  static void check(LoadedBootstrap loaded) throws EnvoyConfigException {
    List<String> problems = new ArrayList<>();
    MessageTree.walk(loaded.bootstrap(), (path, message, unpackedFromAny) -> {
      if (message instanceof HttpConnectionManager manager) {
        boolean cacheSeen = false;
        for (HttpFilter filter : manager.getHttpFiltersList()) {
          if (filter.getName().equals(CACHE)) {
            cacheSeen = true;
          } else if (cacheSeen && LIMITERS.contains(filter.getName())) {
            problems.add(loaded.fileName() + ": " + path + ".http_filters[" + filter.getName() + "] comes after "
                + CACHE + ", which fetches every miss itself: this limiter would never be asked. Put it on an"
                + " internal listener that the cache's route leads to");
          }
        }
      }
    });
    if (!problems.isEmpty()) {
      throw new EnvoyConfigException(String.join("\n", problems));
    }
  }
}
