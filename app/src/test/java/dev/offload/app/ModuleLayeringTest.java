package dev.offload.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.offload.schemas.DeadLetterHeaders;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.RetryHeaders;
import dev.offload.schemas.Topics;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No module reaches into another module's {@code internal} package: a module's public face is its
 * top package, everything under {@code dev.offload.<module>.internal} is its own business. No
 * production class uses a test library. And the names of the contracts (record headers, topic
 * prefixes) are defined once, in {@code schemas/}: a string literal anywhere else that spells one
 * is a second definition.
 */
class ModuleLayeringTest {
  private static final String ROOT = "dev.offload";

  /** Packages of libraries that only tests use. */
  private static final String[] TEST_LIBRARIES = {
    "org.junit..",
    "junit..",
    "org.testcontainers..",
    "org.assertj..",
    "org.awaitility..",
    "org.mockito..",
    "net.jqwik..",
    "org.openqa.selenium..",
    "com.tngtech.archunit.."
  };

  private static JavaClasses imported;

  @Test
  void noModuleImportsAnotherModulesInternals() {
    JavaClasses production = production();
    Set<String> modules = modulesOf(production);
    // app sees all modules; if the import found fewer, the rule would be checking nothing.
    assertThat(modules)
        .contains("app", "schemas", "embedded", "producers", "connectors", "consumers");
    for (ArchRule rule : rules(modules)) {
      rule.check(production);
    }
  }

  @Test
  void productionCodeUsesNoTestLibrary() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(TEST_LIBRARIES)
        .because("test code lives in test sources and test jars, never in what ships")
        .check(production());
  }

  @Test
  void theTestLibraryRuleCatchesTestCode() {
    JavaClasses testKit = new ClassFileImporter().importPackages(ROOT + ".embedded.junit");
    EvaluationResult result =
        noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(TEST_LIBRARIES)
            .evaluate(testKit);
    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(v -> assertThat(v).contains("embedded.junit.SharedInfrastructure"));
  }

  @Test
  void theRuleCatchesAClassThatImportsAnotherModulesInternals() {
    JavaClasses fixture =
        new ClassFileImporter().importPackages(ROOT + ".archfixture", ROOT + ".embedded");
    List<String> violations = new ArrayList<>();
    for (ArchRule rule : rules(modulesOf(fixture))) {
      EvaluationResult result = rule.evaluate(fixture);
      violations.addAll(result.getFailureReport().getDetails());
    }
    assertThat(violations)
        .anySatisfy(
            v ->
                assertThat(v)
                    .contains("archfixture.leaky.LeakyCaller")
                    .contains("embedded.internal.Databases"));
  }

  /**
   * The modules' main classes: neither test classes nor a module's test jar (the shared test
   * servers and their JUnit extension come from {@code embedded}'s).
   */
  private static synchronized JavaClasses production() {
    if (imported == null) {
      imported =
          new ClassFileImporter()
              .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
              .withImportOption(location -> !location.contains("-tests.jar"))
              .importPackages(ROOT);
    }
    return imported;
  }

  @Test
  void topicAndHeaderNamesAreDefinedOnlyInSchemas() throws IOException {
    Set<String> names = contractNames();
    // the headers of an event, of a retry and of a dead letter, and the topic prefixes
    assertThat(names)
        .contains(
            OffloadHeaders.EVENT_ID,
            RetryHeaders.DUE_AT,
            DeadLetterHeaders.REASON,
            Topics.WORK_PREFIX,
            "offload.work");
    Path root = Path.of("").toAbsolutePath().getParent();
    List<Path> sources = new ArrayList<>();
    for (String module : reactorModules(root)) {
      Path main = root.resolve(module).resolve("src/main/java");
      if (!module.equals("schemas") && Files.isDirectory(main)) {
        try (Stream<Path> files = Files.walk(main)) {
          files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
        }
      }
    }
    assertThat(sources).as("production sources outside schemas/").hasSizeGreaterThan(100);
    List<String> copies = new ArrayList<>();
    for (Path source : sources) {
      copies.addAll(
          secondDefinitions(root.relativize(source).toString(), Files.readString(source), names));
    }
    assertThat(copies)
        .as("string literals that define a header or topic name again; use schemas/ constants")
        .isEmpty();
  }

  @Test
  void theNameRuleCatchesALiteralHeaderOrTopicPrefix() {
    String copy =
        "class Copy {\n"
            + "  String id = headers.lastHeader(\"offload-event-id\");\n"
            + "  String topic = \"offload.work.\" + handler;\n"
            + "  String client = \"offload-dlq-reader\"; // a client id, not a header\n"
            + "}\n";
    assertThat(secondDefinitions("Copy.java", copy, contractNames()))
        .containsExactly("Copy.java:2 \"offload-event-id\"", "Copy.java:3 \"offload.work.\"");
  }

  /**
   * The header names and topic prefixes that {@code schemas/} defines, each prefix also without its
   * trailing dot or dash.
   */
  private static Set<String> contractNames() {
    Set<String> names = new TreeSet<>();
    for (Class<?> contract :
        List.of(OffloadHeaders.class, RetryHeaders.class, DeadLetterHeaders.class, Topics.class)) {
      for (Field field : contract.getFields()) {
        if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
          try {
            String name = (String) field.get(null);
            names.add(name);
            if (name.endsWith(".") || name.endsWith("-")) {
              names.add(name.substring(0, name.length() - 1));
            }
          } catch (IllegalAccessException e) {
            throw new AssertionError(e);
          }
        }
      }
    }
    return names;
  }

  private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");

  /**
   * Each string literal in {@code source} that equals one of {@code names}, as file:line "text".
   */
  private static List<String> secondDefinitions(String file, String source, Set<String> names) {
    List<String> found = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher literal = LITERAL.matcher(lines[i]);
      while (literal.find()) {
        if (names.contains(literal.group(1))) {
          found.add(file + ":" + (i + 1) + " \"" + literal.group(1) + "\"");
        }
      }
    }
    return found;
  }

  /** The modules the root pom lists. */
  private static List<String> reactorModules(Path root) throws IOException {
    Matcher module =
        Pattern.compile("<module>([^<]+)</module>")
            .matcher(Files.readString(root.resolve("pom.xml")));
    List<String> modules = new ArrayList<>();
    while (module.find()) {
      modules.add(module.group(1).trim());
    }
    assertThat(modules).as("modules of the root pom").contains("schemas", "app");
    return modules;
  }

  private static List<ArchRule> rules(Set<String> modules) {
    List<ArchRule> rules = new ArrayList<>();
    for (String module : modules) {
      for (String other : modules) {
        if (!module.equals(other)) {
          rules.add(
              noClasses()
                  .that()
                  .resideInAPackage(ROOT + "." + module + "..")
                  .should()
                  .dependOnClassesThat()
                  .resideInAPackage(ROOT + "." + other + ".internal..")
                  .because(other + "'s internal package is not part of its public face")
                  .allowEmptyShould(true));
        }
      }
    }
    return rules;
  }

  private static Set<String> modulesOf(JavaClasses classes) {
    Set<String> modules = new TreeSet<>();
    for (JavaClass c : classes) {
      String pkg = c.getPackageName();
      if (pkg.startsWith(ROOT + ".")) {
        modules.add(pkg.substring(ROOT.length() + 1).split("\\.")[0]);
      }
    }
    return modules;
  }
}
