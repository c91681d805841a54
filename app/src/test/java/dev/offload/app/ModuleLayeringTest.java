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
 * top package, everything under {@code dev.offload.<module>.internal} is its own business.
 */
class ModuleLayeringTest {
  private static final String ROOT = "dev.offload";

  @Test
  void noModuleImportsAnotherModulesInternals() {
    JavaClasses production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
    Set<String> modules = modulesOf(production);
    // app sees all modules; if the import found fewer, the rule would be checking nothing.
    assertThat(modules)
        .contains("app", "schemas", "embedded", "producers", "connectors", "consumers");
    for (ArchRule rule : rules(modules)) {
      rule.check(production);
    }
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
                    .contains("embedded.internal.EmbeddedInfrastructure"));
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
