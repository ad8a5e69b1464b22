package io.egressratelimit.redis;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketLevel;
import io.egressratelimit.limiter.store.BucketState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * One request's claims grouped by the cluster slot of their Redis keys. Each group, a part, is
 * decided all or nothing by one script call; the request is admitted when every part is. A request
 * whose buckets share a slot is one part, decided exactly as it always was. When parts are several
 * and one denies, what the others took is given back (see {@code give-back.lua} and docs/redis.md).
 * Pure: keys and slots come from the layout and the function given.
 */
final class SlotPlan {
  /**
   * One slot's share of the request.
   *
   * @param batch its claims, each keyed by its full Redis key, with the request's deadline and thread
   * @param origins for each of its claims, the request's claim it serves
   */
  record Part(int slot, BucketBatch batch, int[] origins) {
    /** The same part asking for nothing: a read of its buckets, for the answer's statuses. */
    Part checkOnly() {
      BucketBatch checks = new BucketBatch(batch.claims().stream().map(BucketClaim::checkOnly).toList(),
          batch.domain(), batch.callerWaitNanos(), batch.callerThread());
      return new Part(slot, checks, origins);
    }

    /** What a part reports when it could not even be read: denied, its buckets unknown (read as passed and empty). */
    BatchOutcome unread() {
      BucketState unknown = new BucketState(true, 0, Duration.ZERO, Duration.ZERO);
      return new BatchOutcome(false, Collections.nCopies(origins.length, unknown));
    }
  }

  /**
   * What one part took and may have to give back: its claims (Redis keys) that took their {@code consume}.
   *
   * @param part the part's place in {@link #parts()}
   */
  record Taken(int part, List<BucketClaim> claims) {}

  private final BucketBatch request;
  private final List<Part> parts;
  /** Every claim has one Redis key (no legacy twin): a single part is the request itself. */
  private final boolean oneKeyPerClaim;

  private SlotPlan(BucketBatch request, List<Part> parts, boolean oneKeyPerClaim) {
    this.request = request;
    this.parts = parts;
    this.oneKeyPerClaim = oneKeyPerClaim;
  }

  static SlotPlan of(BucketBatch request, KeyLayout layout, ToIntFunction<String> slotOf) {
    List<BucketClaim> claims = request.claims();
    if (!layout.legacyTwins()) {
      SlotPlan onePart = onePartOrNull(request, layout, slotOf);
      if (onePart != null) {
        return onePart;
      }
    }
    Map<Integer, List<BucketClaim>> claimsBySlot = new LinkedHashMap<>();
    Map<Integer, List<Integer>> originsBySlot = new LinkedHashMap<>();
    int routes = 0;
    for (int i = 0; i < claims.size(); i++) {
      BucketClaim claim = claims.get(i);
      for (String key : layout.keysOf(request, claim)) {
        int slot = slotOf.applyAsInt(key);
        claimsBySlot.computeIfAbsent(slot, s -> new ArrayList<>())
            .add(claim.withKey(key));
        originsBySlot.computeIfAbsent(slot, s -> new ArrayList<>()).add(i);
        routes++;
      }
    }
    List<Part> parts = new ArrayList<>(claimsBySlot.size());
    claimsBySlot.forEach((slot, routed) -> parts.add(new Part(slot, new BucketBatch(routed, request.domain(),
        request.callerWaitNanos(), request.callerThread()),
        originsBySlot.get(slot).stream().mapToInt(Integer::intValue).toArray())));
    return new SlotPlan(request, List.copyOf(parts), routes == claims.size());
  }

  /** The common case, without grouping: every claim has one key and they all share a slot. */
  private static SlotPlan onePartOrNull(BucketBatch request, KeyLayout layout, ToIntFunction<String> slotOf) {
    List<BucketClaim> claims = request.claims();
    List<BucketClaim> routed = new ArrayList<>(claims.size());
    int slot = -1;
    for (BucketClaim claim : claims) {
      String key = layout.keysOf(request, claim).get(0);
      int claimSlot = slotOf.applyAsInt(key);
      if (slot >= 0 && claimSlot != slot) {
        return null;
      }
      slot = claimSlot;
      routed.add(claim.withKey(key));
    }
    int[] origins = new int[claims.size()];
    for (int i = 0; i < origins.length; i++) {
      origins[i] = i;
    }
    BucketBatch part = new BucketBatch(routed, request.domain(), request.callerWaitNanos(), request.callerThread());
    return new SlotPlan(request, List.of(new Part(slot, part, origins)), true);
  }

  List<Part> parts() {
    return parts;
  }

  boolean singlePart() {
    return parts.size() == 1;
  }

  /**
   * The request's outcome from its parts' outcomes, in part order: admitted when every part was.
   * When it was not, a part that did admit reports its buckets as they are once given back. A part
   * that was only read reports itself not admitted: it took nothing.
   */
  BatchOutcome combine(List<BatchOutcome> outcomes) {
    if (singlePart() && oneKeyPerClaim) {
      return outcomes.get(0); // claims in the request's order: the part is the request
    }
    boolean admitted = outcomes.stream().allMatch(BatchOutcome::admitted);
    BucketState[] states = new BucketState[request.claims().size()];
    for (int p = 0; p < parts.size(); p++) {
      Part part = parts.get(p);
      BatchOutcome outcome = outcomes.get(p);
      for (int j = 0; j < part.origins().length; j++) {
        BucketState state = outcome.states().get(j);
        if (!admitted && outcome.admitted()) {
          state = givenBack(part.batch().claims().get(j), state);
        }
        int origin = part.origins()[j];
        states[origin] = states[origin] == null ? state : tighter(states[origin], state);
      }
    }
    return new BatchOutcome(admitted, Arrays.asList(states));
  }

  /** One bucket kept under two keys (a legacy twin) reads as the emptier of the two. */
  private static BucketState tighter(BucketState a, BucketState b) {
    return new BucketState(a.passed() && b.passed(), Math.min(a.remaining(), b.remaining()),
        max(a.untilPassing(), b.untilPassing()), max(a.untilFull(), b.untilFull()));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /**
   * What each part that took tokens took, to give back when the request was denied or failed;
   * {@code outcomes} holds null for a part that failed or was not asked.
   */
  List<Taken> taken(List<BatchOutcome> outcomes) {
    List<Taken> taken = new ArrayList<>();
    for (int p = 0; p < parts.size(); p++) {
      BatchOutcome outcome = outcomes.get(p);
      if (outcome == null || !outcome.admitted()) {
        continue; // a denied part took nothing; a failed one may have, and keeps it: that only denies more
      }
      Part part = parts.get(p);
      List<BucketClaim> claims = new ArrayList<>();
      for (int j = 0; j < part.origins().length; j++) {
        BucketClaim claim = part.batch().claims().get(j);
        // A charge or refund settles a call already made: it stays whatever the request's outcome.
        if (outcome.states().get(j).passed() && claim.consume() > 0 && !claim.settles()) {
          claims.add(claim);
        }
      }
      if (!claims.isEmpty()) {
        taken.add(new Taken(p, claims));
      }
    }
    return taken;
  }

  /** The request's bucket levels from its parts' levels, in part order. */
  List<BucketLevel> combineLevels(List<List<BucketLevel>> levels) {
    if (singlePart() && oneKeyPerClaim) {
      return levels.get(0);
    }
    BucketLevel[] combined = new BucketLevel[request.claims().size()];
    for (int p = 0; p < parts.size(); p++) {
      int[] origins = parts.get(p).origins();
      for (int j = 0; j < origins.length; j++) {
        BucketLevel level = levels.get(p).get(j);
        BucketLevel known = combined[origins[j]];
        combined[origins[j]] = known == null ? level
            : new BucketLevel(Math.min(known.tokens(), level.tokens()), max(known.untilFull(), level.untilFull()));
      }
    }
    return Arrays.asList(combined);
  }

  /** A bucket's state once a claim's tokens are back: what the answer reports, as if they had never been taken. */
  private static BucketState givenBack(BucketClaim claim, BucketState state) {
    if (!state.passed() || claim.consume() == 0 || claim.settles()) {
      return state;
    }
    long remaining = Math.min(claim.spec().capacity(), state.remaining() + claim.consume());
    return new BucketState(true, remaining, Duration.ZERO, state.untilFull());
  }
}
