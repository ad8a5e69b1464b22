package io.egressratelimit.redis;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** Runs the token-bucket script on whatever Redis topology is configured. */
interface ScriptRunner extends AutoCloseable {
  CompletionStage<List<Object>> run(String[] keys, String[] args);

  /** Runs the script as a read-only call (EVALSHA_RO), which Redis refuses to let write. */
  CompletionStage<List<Object>> runReadOnly(String[] keys, String[] args);

  /**
   * Runs a task on the thread that writes this runner's calls, so a call written there needs no
   * further hand-off; before the first answer that thread is not known, and the task runs at once.
   */
  Executor callThread();

  /** The cluster slot a key lives in; every batch sent in one call must share it. */
  int slotOf(String key);

  String describe();

  @Override
  void close();
}
