package io.egressratelimit.loadgen.traffic;

/** Makes one call for one coordinate and reports what happened. Shared by every worker. */
public interface Caller extends AutoCloseable {
  CallResult call(LatLng latLng);

  @Override
  default void close() {}
}
