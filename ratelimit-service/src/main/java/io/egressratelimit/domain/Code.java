package io.egressratelimit.domain;

/** The answer for one descriptor or for the whole request. */
public enum Code {
  OK,
  OVER_LIMIT
}
