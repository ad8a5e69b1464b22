package io.egressratelimit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.egressratelimit.domain.DescriptorEntry;
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
}
