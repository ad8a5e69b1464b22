package io.egressratelimit.redis;

import java.util.concurrent.CompletionStage;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/** Runs the token-bucket script, and the give-back script, on whatever Redis topology is configured. */
interface ScriptRunner extends AutoCloseable {
  /** Runs the token-bucket script; its reply is the flat array of integers {@code token-buckets.lua} returns. */
  default CompletionStage<long[]> run(String[] keys, String[] args) {
    return run(TokenBucketScript.LUA, keys, args);
  }

  /** Runs a script whose reply is an integer or a flat array of them. */
  CompletionStage<long[]> run(LuaScript script, String[] keys, String[] args);

  /** Runs the script as a read-only call (EVALSHA_RO), which Redis refuses to let write. */
  CompletionStage<long[]> runReadOnly(String[] keys, String[] args);

  /**
   * The event loop that writes this runner's calls and reads their answers: a task run there needs
   * no further hand-off, and a timer scheduled there wakes no thread of its own. Empty before the
   * first answer, when that loop is not known yet.
   */
  Optional<ScheduledExecutorService> callThread();

  /** The cluster slot a key lives in; every batch sent in one call must share it. */
  int slotOf(String key);

  String describe();

  @Override
  void close();
}
