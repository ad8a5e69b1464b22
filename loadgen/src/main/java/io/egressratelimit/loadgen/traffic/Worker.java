package io.egressratelimit.loadgen.traffic;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * One simulated replica of the calling workload: waits its start jitter, then calls, records and
 * paces itself until the run is over.
 */
final class Worker implements Runnable {
  private final Caller caller;
  private final CoordinatePlan plan;
  private final BackoffPolicy policy;
  private final Duration startJitter;
  private final RunBounds bounds;
  private final CallRecorder recorder;
  private final RandomGenerator random;

  Worker(
      Caller caller,
      CoordinatePlan plan,
      BackoffPolicy policy,
      Duration startJitter,
      RunBounds bounds,
      CallRecorder recorder,
      RandomGenerator random) {
    this.caller = Objects.requireNonNull(caller, "caller");
    this.plan = Objects.requireNonNull(plan, "plan");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.startJitter = Objects.requireNonNull(startJitter, "startJitter");
    this.bounds = Objects.requireNonNull(bounds, "bounds");
    this.recorder = Objects.requireNonNull(recorder, "recorder");
    this.random = Objects.requireNonNull(random, "random");
  }

  @Override
  public void run() {
    if (!bounds.pause(policy.startDelay(startJitter))) {
      return;
    }
    Pacing pacing = new Pacing(policy);
    long callNumber = 0;
    while (bounds.claimCall()) {
      callNumber++;
      CallResult result = caller.call(plan.forCall(callNumber, random));
      recorder.record(result);
      if (!bounds.pause(pacing.pauseAfter(result))) {
        return;
      }
    }
  }
}
