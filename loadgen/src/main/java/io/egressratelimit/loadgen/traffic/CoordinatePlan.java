package io.egressratelimit.loadgen.traffic;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Which coordinate a worker asks about on its n-th call: a random point, except every
 * {@code staticEvery}-th call, which repeats one fixed point. The repeats are what a response cache
 * in front of the API would serve; random points never hit it.
 */
public final class CoordinatePlan {
  private final int staticEvery;
  private final LatLng staticPoint;

  /**
   * @param staticEvery 0 for never
   */
  public CoordinatePlan(int staticEvery, LatLng staticPoint) {
    if (staticEvery < 0) {
      throw new IllegalArgumentException("staticEvery must not be negative");
    }
    this.staticEvery = staticEvery;
    this.staticPoint = Objects.requireNonNull(staticPoint, "staticPoint");
  }

  /**
   * @param callNumber 1 for a worker's first call
   */
  public LatLng forCall(long callNumber, RandomGenerator random) {
    if (staticEvery > 0 && callNumber % staticEvery == 0) {
      return staticPoint;
    }
    double lat = random.nextDouble(-90.0, 90.0);
    double lng = random.nextDouble(-180.0, 180.0);
    return new LatLng(lat, lng);
  }
}
