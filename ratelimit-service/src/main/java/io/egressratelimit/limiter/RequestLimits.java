package io.egressratelimit.limiter;

/**
 * The largest request the service accepts. Envoy never sends anything near these; they exist so a
 * broken or hostile client cannot make one call allocate without bound.
 */
public record RequestLimits(int maxDescriptors, int maxEntries, int maxStringLength) {
  public static final RequestLimits DEFAULT = new RequestLimits(64, 32, 1024);
}
