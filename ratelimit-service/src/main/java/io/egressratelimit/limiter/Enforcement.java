package io.egressratelimit.limiter;

/** Whether the engine's denials take effect, for the whole service at once. */
public enum Enforcement {
  /** Each rule as configured: enforced unless it is in shadow or quota mode. */
  AS_CONFIGURED,
  /**
   * Every limit only reports, as if each rule were in shadow mode, including limits Envoy sends in
   * the request: the overall code is always OK while statuses and metrics still show what would
   * have been denied. envoyproxy/ratelimit's global {@code SHADOW_MODE}.
   */
  REPORT_ONLY
}
