package io.egressratelimit.loadgen.traffic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/** Starts the workers of one load run and waits until the run's bounds end them. */
public final class WorkerPool {
  /**
   * @param seed makes every worker's coordinates, jitter and backoff draws reproducible
   */
  public record Settings(
      int workers,
      Duration interval,
      Duration startJitter,
      Duration maxBackoff,
      CoordinatePlan plan,
      long seed) {
    public Settings {
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be at least 1");
      }
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(startJitter, "startJitter");
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      Objects.requireNonNull(plan, "plan");
    }
  }

  private WorkerPool() {}

  public static void runToEnd(Caller caller, Settings settings, RunBounds bounds, CallRecorder recorder)
      throws InterruptedException {
    SplittableRandom seeds = new SplittableRandom(settings.seed());
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < settings.workers(); i++) {
      SplittableRandom random = seeds.split();
      BackoffPolicy policy = new BackoffPolicy(settings.interval(), settings.maxBackoff(), random);
      Worker worker =
          new Worker(caller, settings.plan(), policy, settings.startJitter(), bounds, recorder, random);
      Thread thread = new Thread(worker, "worker-" + (i + 1));
      thread.setDaemon(true);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
    try {
      for (Thread thread : threads) {
        thread.join();
      }
    } finally {
      bounds.stop();
    }
  }
}
