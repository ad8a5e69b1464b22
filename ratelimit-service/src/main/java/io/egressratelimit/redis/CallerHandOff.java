package io.egressratelimit.redis;

import io.egressratelimit.limiter.store.BucketBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the completions of one round trip on their callers' threads, in one task per thread.
 *
 * <p>Answers arrive on the Redis I/O thread, while each caller's answer is built and written on
 * its gRPC event loop. Completing each request on the I/O thread would make every request one
 * cross-thread task (a queue insert and, on an idle loop, a wake-up); a group of a hundred
 * requests from four connections costs four tasks this way. A server has a handful of event
 * loops, so the threads are found by a scan, not a map.
 */
final class CallerHandOff {
  private final List<Executor> threads = new ArrayList<>(4);
  private final List<List<Runnable>> work = new ArrayList<>(4);

  /** Adds one completion, to run on {@code thread} (the direct one runs at {@link #run}). */
  void add(Executor thread, Runnable completion) {
    for (int i = 0; i < threads.size(); i++) {
      if (threads.get(i) == thread) {
        work.get(i).add(completion);
        return;
      }
    }
    threads.add(thread);
    List<Runnable> tasks = new ArrayList<>();
    tasks.add(completion);
    work.add(tasks);
  }

  /** Hands each thread its completions; those for any thread, or for a thread that refuses, run here. */
  void run() {
    for (int i = 0; i < threads.size(); i++) {
      Executor thread = threads.get(i);
      List<Runnable> tasks = work.get(i);
      if (thread == BucketBatch.ANY_THREAD) {
        runAll(tasks);
        continue;
      }
      try {
        thread.execute(() -> runAll(tasks));
      } catch (RejectedExecutionException shuttingDown) {
        runAll(tasks);
      }
    }
  }

  private static void runAll(List<Runnable> tasks) {
    for (Runnable task : tasks) {
      task.run();
    }
  }
}
