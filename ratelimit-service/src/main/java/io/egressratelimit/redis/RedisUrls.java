package io.egressratelimit.redis;

import java.util.regex.Pattern;

/** Keeps credentials out of every log line and error message that shows a Redis URL. */
public final class RedisUrls {
  private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^@/]*@");

  private RedisUrls() {}

  /** {@code redis://user:secret@host:6379} → {@code redis://<redacted>@host:6379}. */
  public static String redact(String url) {
    return USER_INFO.matcher(url).replaceAll("<redacted>@");
  }
}
