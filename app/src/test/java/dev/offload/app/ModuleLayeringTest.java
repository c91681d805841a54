package dev.offload.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * No module reaches into another module's {@code internal} package: a module's public face is its
 * top package, everything under {@code dev.offload.<module>.internal} is its own business. And no
 * production class uses a test library.
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
