package io.egressratelimit.envoyconfig;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import java.util.Objects;

/** A bootstrap that passed the strict parse, with the file name its errors are reported under. */
record LoadedBootstrap(String fileName, Bootstrap bootstrap) {
  LoadedBootstrap {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(bootstrap, "bootstrap");
  }
}
