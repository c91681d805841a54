package dev.offload.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.events.PageViewed;
import dev.offload.schemas.registry.SchemaVersion;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;

class AvroTrustTest {
  @Test
  void theDeserializerTrustsTheBuiltInEventsPackage() {
    AvroDeserializer.specific(
        new dev.offload.schemas.registry.InMemorySchemaRegistry(), PageViewed.class);

    assertThat(AvroTrust.isTrusted(PageViewed.class)).isTrue();
    assertThatCode(() -> ClassSecurityValidator.validate(PageViewed.class))
        .doesNotThrowAnyException();
    assertThat(System.getProperty(AvroTrust.SERIALIZABLE_PACKAGES))
        .contains(BuiltInEventTypes.EVENTS_PACKAGE);
  }

  @Test
  void otherPackagesStayUntrustedUntilAdded() {
    AvroTrust.trustPackages(BuiltInEventTypes.EVENTS_PACKAGE);

    assertThat(AvroTrust.isTrusted(SchemaVersion.class)).isFalse();
    assertThatThrownBy(() -> ClassSecurityValidator.validate(SchemaVersion.class))
        .isInstanceOf(SecurityException.class);
  }

  @Test
  void rejectsBlankPackageNames() {
    assertThatThrownBy(() -> AvroTrust.trustPackages(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("packages:");
  }
}
