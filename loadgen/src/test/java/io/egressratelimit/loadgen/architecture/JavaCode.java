package io.egressratelimit.loadgen.architecture;

/** Java source with its comments, string and character literals blanked out, so only code is left. */
final class JavaCode {
  private JavaCode() {}

  static String withoutCommentsAndStrings(String source) {
    StringBuilder code = new StringBuilder(source.length());
    int i = 0;
    while (i < source.length()) {
      if (source.startsWith("//", i)) {
        i = skipTo(source, "\n", i);
      } else if (source.startsWith("/*", i)) {
        i = skipTo(source, "*/", i + 2) + 2;
      } else if (source.startsWith("\"\"\"", i)) {
        i = skipTo(source, "\"\"\"", i + 3) + 3;
      } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
        i = endOfLiteral(source, i);
      } else {
        code.append(source.charAt(i++));
        continue;
      }
      code.append(' ');
    }
    return code.toString();
  }

  private static int skipTo(String source, String end, int from) {
    int at = source.indexOf(end, from);
    return at < 0 ? source.length() : at;
  }

  private static int endOfLiteral(String source, int start) {
    char quote = source.charAt(start);
    int i = start + 1;
    while (i < source.length() && source.charAt(i) != quote) {
      i += source.charAt(i) == '\\' ? 2 : 1;
    }
    return Math.min(source.length(), i + 1);
  }
}
