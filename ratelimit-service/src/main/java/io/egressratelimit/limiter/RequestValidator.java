package io.egressratelimit.limiter;

import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.LimitRequest;
import io.egressratelimit.domain.RequestDescriptor;

/** Rejects malformed requests before they can reach a store. */
final class RequestValidator {
  private final RequestLimits limits;

  RequestValidator(RequestLimits limits) {
    this.limits = limits;
  }

  void validate(LimitRequest request) {
    if (request.domain().isEmpty()) {
      throw new InvalidRequestException("domain must not be empty");
    }
    checkLength("domain", request.domain());
    if (request.hitsAddend() < 0) {
      throw new InvalidRequestException("hits_addend must not be negative");
    }
    if (request.descriptors().isEmpty()) {
      throw new InvalidRequestException("descriptors must not be empty");
    }
    if (request.descriptors().size() > limits.maxDescriptors()) {
      throw new InvalidRequestException(
          "too many descriptors: " + request.descriptors().size() + " (at most " + limits.maxDescriptors() + ")");
    }
    for (int i = 0; i < request.descriptors().size(); i++) {
      validateDescriptor(i, request.descriptors().get(i));
    }
  }

  private void validateDescriptor(int index, RequestDescriptor descriptor) {
    String where = "descriptors[" + index + "]";
    if (descriptor.entries().isEmpty()) {
      throw new InvalidRequestException(where + ".entries must not be empty");
    }
    if (descriptor.entries().size() > limits.maxEntries()) {
      throw new InvalidRequestException(where + ": too many entries: " + descriptor.entries().size()
          + " (at most " + limits.maxEntries() + ")");
    }
    if (descriptor.hitsAddend().isPresent() && descriptor.hitsAddend().getAsLong() < 0) {
      throw new InvalidRequestException(where + ".hits_addend must not be negative");
    }
    descriptor.limitOverride().ifPresent(override -> {
      if (override.requestsPerUnit() < 0) {
        throw new InvalidRequestException(where + ".limit.requests_per_unit must not be negative");
      }
    });
    for (int j = 0; j < descriptor.entries().size(); j++) {
      DescriptorEntry entry = descriptor.entries().get(j);
      String entryWhere = where + ".entries[" + j + "]";
      if (entry.key().isEmpty()) {
        throw new InvalidRequestException(entryWhere + ".key must not be empty");
      }
      checkLength(entryWhere + ".key", entry.key());
      checkLength(entryWhere + ".value", entry.value());
    }
  }

  private void checkLength(String what, String value) {
    if (value.length() > limits.maxStringLength()) {
      throw new InvalidRequestException(
          what + " is " + value.length() + " characters long (at most " + limits.maxStringLength() + ")");
    }
    checkWellFormed(what, value);
  }

  /**
   * A lone surrogate (JSON allows {@code "\ud800"}) has no UTF-8 form: gRPC could never carry it,
   * and a bucket key holding it would be written to Redis as something else.
   */
  private static void checkWellFormed(String what, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidRequestException(what + " is not valid UTF-8: a lone surrogate at character " + i);
      }
    }
  }
}
