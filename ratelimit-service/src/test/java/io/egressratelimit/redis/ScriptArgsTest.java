package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The script's arguments go on the wire byte for byte as Lettuce's own arguments would write them. */
class ScriptArgsTest {
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  /** Keys and values Envoy can send: non-ASCII, empty, long, and RESP's own characters. */
  private static final String[] KEYS = {"ratelimit:{bench}bench|user=u42#f10/1b10", "ratelimit:{düsseldorf}ü|k=日本語",
      "", "x".repeat(300), "a\r\n$3\r\n*"};
  private static final String[] ARGS = {"-1", "5", "1000000000", "0", "", "peek", "ärger"};

  private static String encoded(CommandArgs<String, String> args) {
    ByteBuf buf = Unpooled.buffer();
    args.encode(buf);
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void writesWhatLettucesOwnArgumentsWrite() {
    CommandArgs<String, String> lettuce = new CommandArgs<>(StringCodec.UTF8).add(SHA).add(KEYS.length).addKeys(KEYS)
        .addValues(ARGS);
    ScriptArgs ours = new ScriptArgs(SHA, KEYS, ARGS);
    assertEquals(encoded(lettuce), encoded(ours));
    assertEquals(lettuce.count(), ours.count());
  }

  @Test
  void aClusterConnectionFindsTheFirstKeyToRouteBy() {
    ByteBuffer first = new ScriptArgs(SHA, KEYS, ARGS).getFirstEncodedKey();
    assertEquals(KEYS[0], StandardCharsets.UTF_8.decode(first).toString());
  }
}
