package io.egressratelimit.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM: this JVM's java, then a main class of the test classpath or a jar. */
public final class JavaCommand {
  private JavaCommand() {}

  /** {@code java [jvmFlags] -cp <the test classpath> mainClass args...} */
  public static List<String> mainClass(List<String> jvmFlags, String mainClass, List<String> args) {
    List<String> command = java(jvmFlags);
    command.addAll(List.of("-cp", testClassPath(), mainClass));
    command.addAll(args);
    return command;
  }

  /** {@code java [jvmFlags] -jar jar args...}, as a user would start it. */
  public static List<String> jar(List<String> jvmFlags, Path jar, List<String> args) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " does not exist: package it first (mvn -B -DskipTests package),"
          + " or run the whole build (mvn verify), which packages the modules in order");
    }
    List<String> command = java(jvmFlags);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(args);
    return command;
  }

  /**
   * The classpath the tests run with: surefire and failsafe put it in a property, since the JVM's own
   * classpath is then a one-jar manifest.
   */
  public static String testClassPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  private static List<String> java(List<String> jvmFlags) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    return command;
  }
}
