package io.egressratelimit.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.BucketStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryBucketStoreTest extends BucketStoreContract {

  @Override
  protected BucketStore createStore(NanoClock clock) {
    return new InMemoryBucketStore(clock);
  }

  @Test
  void idleBucketsAreDroppedOnceTheyWouldBeFullAgain() {
    InMemoryBucketStore memory = (InMemoryBucketStore) store;
    for (int i = 0; i < 100; i++) {
      consume(hit("value-" + i, TEN_PER_MINUTE_WINDOW));
    }
    assertEquals(100, memory.size());
    clock.advance(Duration.ofSeconds(59));
    memory.evictIdle();
    assertEquals(100, memory.size(), "not idle long enough");
    clock.advance(Duration.ofSeconds(1));
    memory.evictIdle();
    assertEquals(0, memory.size());
    assertEquals(9, consume(hit("value-0", TEN_PER_MINUTE_WINDOW)).states().get(0).remaining(),
        "a dropped bucket comes back full, as it would have been");
  }
}
