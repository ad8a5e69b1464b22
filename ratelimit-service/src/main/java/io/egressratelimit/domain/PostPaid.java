package io.egressratelimit.domain;

/**
 * A budget whose cost is known only after the call: the limits file's {@code post_paid: true}.
 * A descriptor with hits is a charge, recorded whatever the bucket holds (it may go below zero,
 * and that debt is repaid by refill before anything else is admitted); a descriptor with
 * {@code hits_addend} 0 is the request-time check, which admits while the bucket holds at least
 * {@code reservation} tokens and takes none. docs/usage-priced.md states the bound this gives.
 *
 * @param reservation tokens the bucket must hold for a call to be admitted; 1 means "while positive"
 */
public record PostPaid(long reservation) {
  public PostPaid {
    if (reservation < 1) {
      throw new IllegalArgumentException("reservation must be at least 1");
    }
  }

  /** Admits while the budget is positive. */
  public static final PostPaid WHILE_POSITIVE = new PostPaid(1);
}
