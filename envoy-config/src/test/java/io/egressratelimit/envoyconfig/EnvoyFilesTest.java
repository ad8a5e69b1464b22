package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Each shipped Envoy file, RLS and RLQS alike, passes every check Envoy itself would make, and ours. */
class EnvoyFilesTest {
  static final List<String> FILES = EnvoyFiles.ALL;
  static final List<String> RLS_FILES = EnvoyFiles.BOTH;

  @ParameterizedTest
  @FieldSource("FILES")
  void parsesStrictlyAsAV3Bootstrap(String file) throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.load(EnvoyFiles.envoyFile(file));
    assertEquals(4, loaded.bootstrap().getStaticResources().getClustersCount());
    assertEquals(3, loaded.bootstrap().getStaticResources().getListenersCount());
  }

  /**
   * Envoy's validation rules inside every typed_config, every named cluster defined, and no
   * deprecated field; each failure is reported with its own message.
   */
  @ParameterizedTest
  @FieldSource("FILES")
  void passesEveryCheck(String file) throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.load(EnvoyFiles.envoyFile(file));
    assertAll(
        () -> ValidationRules.check(loaded),
        () -> ClusterReferences.check(loaded),
        () -> LimiterPlacement.check(loaded),
        () -> DeprecatedFields.check(loaded));
  }

  @ParameterizedTest
  @FieldSource("RLS_FILES")
  void failsClosedWithRateLimitHeaders(String file) throws Exception {
    List<RateLimit> filters = rateLimitFilters(BootstrapLoader.load(EnvoyFiles.envoyFile(file)));
    assertEquals(1, filters.size(), "one ratelimit filter");
    RateLimit filter = filters.get(0);
    assertEquals("geocode", filter.getDomain());
    assertTrue(filter.getFailureModeDeny(), "failure_mode_deny");
    assertEquals(RateLimit.XRateLimitHeadersRFCVersion.DRAFT_VERSION_03, filter.getEnableXRatelimitHeaders());
    assertEquals("ratelimit", filter.getRateLimitService().getGrpcService().getEnvoyGrpc().getClusterName());
    assertTrue(filter.getTimeout().getSeconds() > 0 || filter.getTimeout().getNanos() > 0, "a stated timeout");
  }

  @ParameterizedTest
  @FieldSource("FILES")
  void keepsTheAdminInterfaceOnLoopback(String file) throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.load(EnvoyFiles.envoyFile(file));
    assertEquals("127.0.0.1", loaded.bootstrap().getAdmin().getAddress().getSocketAddress().getAddress());
    assertEquals(9901, loaded.bootstrap().getAdmin().getAddress().getSocketAddress().getPortValue());
  }

  static List<RateLimit> rateLimitFilters(LoadedBootstrap loaded) {
    List<RateLimit> filters = new ArrayList<>();
    MessageTree.walk(loaded.bootstrap(), (path, message, unpackedFromAny) -> {
      if (message instanceof RateLimit filter) {
        filters.add(filter);
      }
    });
    return filters;
  }

}
