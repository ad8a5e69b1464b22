package io.egressratelimit.redis;

import io.egressratelimit.limiter.store.BucketClaim;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The call of {@code give-back.lua} for what one slot's part of a denied request took. Pure: no
 * connection. The layout of its keys and arguments is documented at the top of the script.
 */
final class GiveBackScript {
  static final LuaScript LUA = LuaScript.load("give-back.lua");

  private GiveBackScript() {}

  /**
   * @param claims the part's claims that took their {@code consume}, keyed by their Redis keys;
   *     two on one bucket are given back together
   * @param nowMicros the time to decide at, or -1 for the Redis server's clock
   */
  static TokenBucketScript.Call encode(Hold hold, List<BucketClaim> claims, long nowMicros) {
    Map<String, BucketClaim> byKey = new LinkedHashMap<>();
    Map<String, Long> tokens = new LinkedHashMap<>();
    for (BucketClaim claim : claims) {
      byKey.putIfAbsent(claim.key(), claim);
      tokens.merge(claim.key(), claim.consume(), Long::sum);
    }
    List<String> keys = new ArrayList<>(List.of(hold.receipt()));
    List<String> args = new ArrayList<>(List.of(Long.toString(nowMicros), Integer.toString(hold.place())));
    byKey.forEach((key, claim) -> {
      keys.add(key);
      TokenBucketScript.addShape(args, claim.spec());
      args.add(Long.toString(tokens.get(key)));
    });
    return new TokenBucketScript.Call(keys.toArray(String[]::new), args.toArray(String[]::new));
  }
}
