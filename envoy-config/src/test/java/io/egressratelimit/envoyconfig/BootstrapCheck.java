package io.egressratelimit.envoyconfig;

/** One of the checks a parsed bootstrap must pass, for tests that run several alike. */
@FunctionalInterface
interface BootstrapCheck {
  void check(LoadedBootstrap loaded) throws EnvoyConfigException;
}
