package io.egressratelimit.logging;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The last line of defence for secrets: every log line and every error line the process prints
 * passes through here. Credentials in any URL are masked, and so is every value registered as a
 * secret at start-up (the Redis password, wherever a library might echo it).
 */
public final class Redaction {
  static final String MASK = "<redacted>";
  private static final Pattern URL_USER_INFO = Pattern.compile("(?<=://)[^@/\\s]+@");
  private static final List<String> SECRETS = new CopyOnWriteArrayList<>();

  private Redaction() {}

  /** Masks this value from now on; a secret also appears URL-encoded in a URL, so both forms are. */
  public static synchronized void addSecret(String secret) {
    if (secret == null || secret.isEmpty()) {
      return;
    }
    for (String form : List.of(secret, URLDecoder.decode(secret, StandardCharsets.UTF_8))) {
      if (!form.isEmpty() && !SECRETS.contains(form)) {
        SECRETS.add(form);
      }
    }
    // Longest first, so a secret that contains another is masked whole.
    SECRETS.sort(Comparator.comparingInt(String::length).reversed());
  }

  /** Registers the password of a URL such as {@code redis://user:password@host}, if it has one. */
  public static void addUrlPassword(String url) {
    if (url == null) {
      return;
    }
    var matcher = URL_USER_INFO.matcher(url);
    while (matcher.find()) {
      String userInfo = matcher.group();
      userInfo = userInfo.substring(0, userInfo.length() - 1);
      int colon = userInfo.indexOf(':');
      addSecret(colon >= 0 ? userInfo.substring(colon + 1) : userInfo);
    }
  }

  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String redacted = URL_USER_INFO.matcher(text).replaceAll(MASK + "@");
    for (String secret : SECRETS) {
      redacted = redacted.replace(secret, MASK);
    }
    return redacted;
  }
}
