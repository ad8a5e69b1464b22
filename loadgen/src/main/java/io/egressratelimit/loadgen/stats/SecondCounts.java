package io.egressratelimit.loadgen.stats;

/**
 * The calls that ended in one second of a run.
 *
 * @param second seconds since the run started
 * @param inWindow admitted in the trailing budget window that ends with this second
 */
public record SecondCounts(int second, long admitted, long rejected, long errors, int inWindow) {}
