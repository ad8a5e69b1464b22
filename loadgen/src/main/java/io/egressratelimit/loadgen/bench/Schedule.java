package io.egressratelimit.loadgen.bench;

/** When calls start counting and when sending stops, in {@link System#nanoTime()} terms. */
record Schedule(long countFrom, long stopAt) {}
