package dev.offload.schemas;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The contract module depends on no other Offload module, and the registry not on the serde. */
class SchemasArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.offload.schemas");

  @Test
  void dependsOnNoOtherOffloadModule() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.offload.producers..",
            "dev.offload.connectors..",
            "dev.offload.consumers..",
            "dev.offload.streams..",
            "dev.offload.ops..",
            "dev.offload.embedded..",
            "dev.offload.app..")
        .check(CLASSES);
  }

  @Test
  void registryDoesNotDependOnTheSerde() {
    noClasses()
        .that()
        .resideInAPackage("dev.offload.schemas.registry..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.offload.schemas.serde..")
        .check(CLASSES);
  }
}
