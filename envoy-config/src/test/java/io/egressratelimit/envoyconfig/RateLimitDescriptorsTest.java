package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** What descriptors the routes make Envoy send: the input to the check against the limits. */
class RateLimitDescriptorsTest {
  static final List<String> FILES = EnvoyFiles.BOTH;
  private static final RateLimitDescriptors WITH_CALLER = new RateLimitDescriptors(Map.of("X-Caller", "billing"));

  @ParameterizedTest
  @FieldSource("FILES")
  void routesSendTheGlobalBudgetAndThePerCallerShare(String file) throws Exception {
    List<ProducibleDescriptor> descriptors = WITH_CALLER.of(BootstrapLoader.load(EnvoyFiles.envoyFile(file)));
    assertEquals(List.of("geocode [generic_key=geocode]", "geocode [generic_key=geocode, caller=billing]"),
        descriptors.stream().map(d -> d.domain() + " " + d.describe()).toList());
  }

  @Test
  void originNamesTheRateLimitEntry() throws Exception {
    List<ProducibleDescriptor> descriptors = WITH_CALLER.of(BootstrapLoader.load(EnvoyFiles.envoyFile(EnvoyFiles.PRODUCTION)));
    assertEquals("envoy.yaml: static_resources.listeners[egress_limited].filter_chains[0]"
            + ".filters[envoy.filters.network.http_connection_manager].typed_config.route_config"
            + ".virtual_hosts[egress_limited].routes[geocode].route.rate_limits[1]",
        descriptors.get(1).origin());
  }

  @Test
  void aHeaderWithoutASampleValueIsAnError() throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.load(EnvoyFiles.envoyFile(EnvoyFiles.PRODUCTION));
    EnvoyConfigException error = assertThrows(EnvoyConfigException.class,
        () -> new RateLimitDescriptors(Map.of()).of(loaded));
    assertEquals("envoy.yaml: static_resources.listeners[egress_limited].filter_chains[0]"
            + ".filters[envoy.filters.network.http_connection_manager].typed_config.route_config"
            + ".virtual_hosts[egress_limited].routes[geocode].route.rate_limits[1].actions[1]:"
            + " no sample value for request header 'x-caller'",
        error.getMessage());
  }

  @Test
  void aHeaderThatMayBeAbsentYieldsTheDescriptorWithAndWithoutIt() throws Exception {
    String yaml = java.nio.file.Files.readString(EnvoyFiles.fixture("minimal-valid.yaml")).replace(
        "                    - generic_key: { descriptor_value: geocode }\n",
        "                    - generic_key: { descriptor_value: geocode }\n"
            + "                    - request_headers: { header_name: x-caller, descriptor_key: caller, skip_if_absent: true }\n");
    List<ProducibleDescriptor> descriptors = WITH_CALLER.of(BootstrapLoader.parse("skip-if-absent.yaml", yaml));
    assertEquals(List.of("[generic_key=geocode, caller=billing]", "[generic_key=geocode]"),
        descriptors.stream().map(ProducibleDescriptor::describe).toList());
  }

  @Test
  void anActionItCannotFollowIsAnError() throws Exception {
    String yaml = java.nio.file.Files.readString(EnvoyFiles.fixture("minimal-valid.yaml")).replace(
        "                    - generic_key: { descriptor_value: geocode }\n",
        "                    - generic_key: { descriptor_value: geocode }\n"
            + "                    - remote_address: {}\n");
    LoadedBootstrap loaded = BootstrapLoader.parse("remote-address.yaml", yaml);
    EnvoyConfigException error = assertThrows(EnvoyConfigException.class, () -> WITH_CALLER.of(loaded));
    assertEquals("remote-address.yaml: static_resources.listeners[egress].filter_chains[0]"
            + ".filters[envoy.filters.network.http_connection_manager].typed_config.route_config"
            + ".virtual_hosts[egress].routes[geocode].route.rate_limits[0].actions[1]: remote_address is not an"
            + " action this check can follow (it knows generic_key, request_headers and header_value_match)",
        error.getMessage());
  }
}
