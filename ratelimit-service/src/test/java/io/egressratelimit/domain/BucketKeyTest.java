package io.egressratelimit.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BucketKeyTest {
  @Test
  void aKeyReadsBackAsItsDomainAndEntriesWhateverTheyHold() {
    List<DescriptorEntry> entries = List.of(new DescriptorEntry("generic_key", "geo|code"),
        new DescriptorEntry("a=b", "x#y\\z"), new DescriptorEntry("empty", ""));
    String key = BucketKey.of("do|main", entries);
    assertEquals(Optional.of(new BucketKey.Parsed("do|main", entries)), BucketKey.parse(key));
    assertEquals(Optional.of(new BucketKey.Parsed("do|main", entries)), BucketKey.parse(key + "#f20/60b20"),
        "the policy the engine appends is ignored");
  }

  @Test
  void textThatIsNoBucketKeyReadsAsNothing() {
    assertEquals(Optional.empty(), BucketKey.parse("geocode|no-equals-sign"));
  }

  @Test
  void thePolicyIsAppendedInTheFormLiveBucketsAlreadyCarry() {
    // Redis keeps buckets across deploys: a changed format would hand every budget a fresh bucket.
    String key = BucketKey.of("geocode", List.of(new DescriptorEntry("generic_key", "geocode")));
    assertEquals("geocode|generic_key=geocode#f20/60b20",
        BucketKey.withPolicy(key, LimitPolicy.fixedWindow(20, RateUnit.MINUTE)));
  }

  @Test
  void onOneNodeABucketKeepsItsDomainAsTheHashTagItAlwaysHad() {
    assertEquals("ratelimit:{geocode}geocode|user=alice#t10/60b10",
        BucketKey.inStore("ratelimit:", "geocode", "geocode|user=alice#t10/60b10"));
    assertEquals("p:{a(b)}k", BucketKey.inStore("p:", "a{b}", "k"), "a brace would end the tag early");
  }

  @Test
  void onAClusterABucketIsTaggedByItsOwnHashOfEightHexDigits() {
    // The CRC-32 of the key, as zlib.crc32 and every CRC-32 tool compute it: a layout others can check.
    assertEquals("ratelimit:{a97efbdb}geocode|user=alice#t10/60b10",
        BucketKey.spreadInStore("ratelimit:", "geocode|user=alice#t10/60b10"));
    assertEquals("p:{8cdc1683}x", BucketKey.spreadInStore("p:", "x"));
    assertEquals(8, BucketKey.spreadInStore("", "k").indexOf('}') - 1, "a short hash is padded to eight digits");
  }
}
