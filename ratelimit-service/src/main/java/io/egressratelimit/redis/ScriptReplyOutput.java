package io.egressratelimit.redis;

import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads the script's reply, a flat array of integers, straight into a {@code long[]}: no boxed
 * number and no list per reply, on the thread that reads every answer of every replica's call.
 */
final class ScriptReplyOutput extends CommandOutput<String, String, long[]> {
  private int count;

  ScriptReplyOutput(RedisCodec<String, String> codec) {
    super(codec, new long[0]);
  }

  @Override
  public void multi(int size) {
    if (output.length == 0 && size > 0) {
      output = new long[size];
    }
  }

  @Override
  public void set(long integer) {
    if (count == output.length) {
      output = Arrays.copyOf(output, Math.max(8, count * 2)); // an array whose size came late
    }
    output[count++] = integer;
  }

  @Override
  public void set(ByteBuffer bytes) {
    throw new IllegalStateException("the token-bucket script answers integers only, got a string");
  }

  @Override
  public long[] get() {
    return count == output.length ? output : Arrays.copyOf(output, count);
  }
}
