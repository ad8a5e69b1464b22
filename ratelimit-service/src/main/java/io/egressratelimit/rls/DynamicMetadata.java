package io.egressratelimit.rls;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.TextFormat;
import com.google.protobuf.Value;
import io.egressratelimit.domain.Code;
import io.egressratelimit.domain.Decision;
import io.egressratelimit.domain.DescriptorStatus;
import io.egressratelimit.domain.MetadataValues;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The response's dynamic metadata as envoyproxy/ratelimit sends it with RESPONSE_DYNAMIC_METADATA:
 * the {@code domain}, the request's {@code descriptors} ({@code entries} as {@code "key=value"},
 * their {@code limit} and {@code hitsAddend} when set), the request's {@code hitsAddend} when not
 * zero, and the {@code metadata} of the rules whose descriptors passed, merged (first value wins,
 * maps merge). Envoy puts it under {@code envoy.filters.http.ratelimit} for the next filters, which
 * is how quota-based routing picks a backend that still has quota.
 */
final class DynamicMetadata {
  private DynamicMetadata() {}

  static Struct of(RateLimitRequest request, Decision decision) {
    Struct.Builder metadata = Struct.newBuilder()
        .putFields("domain", text(request.getDomain()))
        .putFields("descriptors", descriptors(request));
    if (request.getHitsAddend() != 0) {
      metadata.putFields("hitsAddend", number(Integer.toUnsignedLong(request.getHitsAddend())));
    }
    Map<String, Object> passed = MetadataValues.mergeFirstWins(passedRuleMetadata(decision));
    if (!passed.isEmpty()) {
      metadata.putFields("metadata", Value.newBuilder().setStructValue(struct(passed)).build());
    }
    return metadata.build();
  }

  /** Upstream leaves unlimited descriptors out of "passed": no limit was checked for them. */
  private static List<Map<String, Object>> passedRuleMetadata(Decision decision) {
    List<Map<String, Object>> sources = new ArrayList<>();
    for (DescriptorStatus status : decision.statuses()) {
      if (status.code() == Code.OK && !status.unlimitedRule() && status.rule().isPresent()) {
        sources.add(status.rule().get().metadata());
      }
    }
    return sources;
  }

  private static Value descriptors(RateLimitRequest request) {
    ListValue.Builder list = ListValue.newBuilder();
    for (RateLimitDescriptor descriptor : request.getDescriptorsList()) {
      ListValue.Builder entries = ListValue.newBuilder();
      for (RateLimitDescriptor.Entry entry : descriptor.getEntriesList()) {
        entries.addValues(text(entry.getKey() + "=" + entry.getValue()));
      }
      Struct.Builder one = Struct.newBuilder().putFields("entries", Value.newBuilder().setListValue(entries).build());
      if (descriptor.hasLimit()) {
        one.putFields("limit", text(TextFormat.shortDebugString(descriptor.getLimit())));
      }
      if (descriptor.hasHitsAddend()) {
        one.putFields("hitsAddend", number(descriptor.getHitsAddend().getValue()));
      }
      list.addValues(Value.newBuilder().setStructValue(one));
    }
    return Value.newBuilder().setListValue(list).build();
  }

  /** Plain Java metadata (maps, lists, text, numbers, booleans, null) as a protobuf Struct. */
  static Struct struct(Map<String, Object> map) {
    Struct.Builder struct = Struct.newBuilder();
    map.forEach((key, value) -> struct.putFields(key, value(value)));
    return struct.build();
  }

  @SuppressWarnings("unchecked")
  private static Value value(Object value) {
    if (value == null) {
      return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    }
    if (value instanceof Map<?, ?> map) {
      return Value.newBuilder().setStructValue(struct((Map<String, Object>) map)).build();
    }
    if (value instanceof List<?> items) {
      ListValue.Builder list = ListValue.newBuilder();
      items.forEach(item -> list.addValues(value(item)));
      return Value.newBuilder().setListValue(list).build();
    }
    if (value instanceof Boolean flag) {
      return Value.newBuilder().setBoolValue(flag).build();
    }
    if (value instanceof Number number) {
      return number(number.doubleValue());
    }
    return text(value.toString());
  }

  private static Value text(String text) {
    return Value.newBuilder().setStringValue(text).build();
  }

  private static Value number(double number) {
    return Value.newBuilder().setNumberValue(number).build();
  }
}
