package io.egressratelimit.domain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The one place bucket keys are written and read: {@code domain|key=value|key=value#policy}. A
 * backslash escapes {@code \}, {@code |}, {@code =} and {@code #} inside the parts, so two different
 * descriptors can never share a key by accident. The config writes the descriptor part (it alone
 * knows when a shared wildcard folds a value into its pattern), the engine appends the policy, and
 * a store that shares one key space adds its prefix and hash tag.
 */
public final class BucketKey {
  private final StringBuilder key = new StringBuilder();

  /** Starts the key of a descriptor in {@code domain}; add its entries with {@link #entry}. */
  public BucketKey(String domain) {
    escape(domain);
  }

  /** The key of a descriptor taken as it is, e.g. one that carries its own limit override. */
  public static String of(String domain, List<DescriptorEntry> entries) {
    BucketKey key = new BucketKey(domain);
    entries.forEach(entry -> key.entry(entry.key(), entry.value()));
    return key.toString();
  }

  /** A bucket key read back: the domain and the descriptor entries it was written from. */
  public record Parsed(String domain, List<DescriptorEntry> entries) {}

  /**
   * Reads a key written by this class, ignoring anything from the first unescaped {@code #} on (the
   * policy); empty for text this class did not write.
   */
  public static Optional<Parsed> parse(String key) {
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    List<Integer> equalsAt = new ArrayList<>();
    int equals = -1;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '\\' && i + 1 < key.length()) {
        part.append(key.charAt(++i));
      } else if (c == '#') {
        break;
      } else if (c == '|') {
        parts.add(part.toString());
        equalsAt.add(equals);
        part.setLength(0);
        equals = -1;
      } else {
        if (c == '=' && equals < 0) {
          equals = part.length();
        }
        part.append(c);
      }
    }
    parts.add(part.toString());
    equalsAt.add(equals);
    List<DescriptorEntry> entries = new ArrayList<>();
    for (int i = 1; i < parts.size(); i++) {
      int at = equalsAt.get(i);
      if (at < 0) {
        return Optional.empty();
      }
      entries.add(new DescriptorEntry(parts.get(i).substring(0, at), parts.get(i).substring(at + 1)));
    }
    return Optional.of(new Parsed(parts.get(0), entries));
  }

  /**
   * A key with the policy's identity appended, so that a changed limit gets a fresh bucket instead
   * of inheriting tokens counted under other rules.
   */
  public static String withPolicy(String descriptorKey, LimitPolicy policy) {
    char algorithm = switch (policy.algorithm()) {
      case FIXED_WINDOW -> 'f';
      case TOKEN_BUCKET -> 't';
      case STRICT -> 's';
    };
    return descriptorKey + "#" + algorithm + policy.requestsPerPeriod() + "/" + policy.period().toSeconds()
        + "b" + policy.burst();
  }

  /**
   * The key as a store on one Redis node writes it: {@code prefix + "{" + domain + "}" + key}, with
   * the request's domain as its hash tag. The hash tag once kept a domain's buckets in one Redis
   * Cluster slot; on a Cluster keys are now {@link #spreadInStore spread}, and this form remains
   * for one node (where no slot exists, so keys never change format there) and for the
   * domain-tagged keys that earlier versions wrote on a Cluster. Braces inside the domain would end
   * the tag early, so they become parentheses.
   */
  public static String inStore(String prefix, String domain, String key) {
    // Redis hashes a key with an empty tag {} whole.
    String tag = domain.isEmpty() ? "_" : domain.replace("{", "(").replace("}", ")");
    return prefix + "{" + tag + "}" + key;
  }

  /**
   * The key as a Redis Cluster store writes it: {@code prefix + "{" + tag + "}" + key}, the tag being
   * the bucket's own hash (the CRC-32 of its key, eight hex digits). A bucket's slot so comes from
   * the bucket alone, whichever request names it, and one domain's buckets spread over every
   * master. The tag has a fixed length and the whole key follows it, so two buckets never share a
   * Redis key.
   */
  public static String spreadInStore(String prefix, String key) {
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    String hex = Long.toHexString(crc.getValue());
    return prefix + "{" + "0".repeat(8 - hex.length()) + hex + "}" + key;
  }

  public BucketKey entry(String entryKey, String value) {
    key.append('|');
    escape(entryKey);
    key.append('=');
    escape(value);
    return this;
  }

  private void escape(String part) {
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (c == '\\' || c == '|' || c == '=' || c == '#') {
        key.append('\\');
      }
      key.append(c);
    }
  }

  @Override
  public String toString() {
    return key.toString();
  }
}
