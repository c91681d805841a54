package dev.offload.embedded.registry;

import static dev.offload.embedded.registry.TestSchemas.EMAIL;
import static dev.offload.embedded.registry.TestSchemas.EMAIL_WITH_DEFAULT;
import static dev.offload.embedded.registry.TestSchemas.ID;
import static dev.offload.embedded.registry.TestSchemas.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.registry.CompatibilityLevel;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Offload's own {@link RegistryClient} works against the server, and the server gives the same
 * answers as {@link InMemorySchemaRegistry}, the reference for the registry's rules.
 */
@ExtendWith(SharedInfrastructure.class)
class RegistryClientIT {
  private SchemaRegistryServer server;
  private RegistryClient client;

  @BeforeEach
  void start(Infrastructure infrastructure) {
    server = Registries.start(infrastructure, TestNames.topic("schemas"));
    client =
        new RegistryClient(
            RegistryClientConfig.builder(server.url())
                .maxRetries(0)
                .retryBackoff(java.time.Duration.ofMillis(10))
                .retryBackoffMax(java.time.Duration.ofMillis(10))
                .build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void answersEveryCallAsTheInMemoryRegistryDoes() {
    List<String> expected = scenario(new InMemorySchemaRegistry());
    List<String> actual = scenario(client);

    assertThat(actual).containsExactlyElementsOf(expected);
    assertThat(actual).hasSizeGreaterThan(20);
  }

  @Test
  void refusalsArriveAsRegistryExceptionsWithConfluentCodes() {
    client.register("s", user(ID));

    assertThatThrownBy(() -> client.register("s", user(ID, EMAIL)))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.is(RegistryException.INCOMPATIBLE_SCHEMA)).isTrue();
              assertThat(e.getMessage()).contains("READER_FIELD_MISSING_DEFAULT_VALUE", "email");
            });
    assertCode(() -> client.versions("missing"), RegistryException.SUBJECT_NOT_FOUND);
    assertCode(() -> client.version("s", 9), RegistryException.VERSION_NOT_FOUND);
    assertCode(() -> client.getById(999), RegistryException.SCHEMA_NOT_FOUND);
    assertCode(() -> client.lookup("s", user(ID, EMAIL)), RegistryException.SCHEMA_NOT_FOUND);
    assertThat(client.testCompatibility("s", user(ID, EMAIL)).messages())
        .singleElement()
        .asString()
        .contains("email");
  }

  /** Drives every operation of the interface and records what the registry answered. */
  private static List<String> scenario(SchemaRegistry registry) {
    List<String> seen = new ArrayList<>();
    int id1 = registry.register("a-value", user(ID));
    int id2 = registry.register("a-value", user(ID, EMAIL_WITH_DEFAULT));
    seen.add("ids " + id1 + " " + id2 + " " + registry.register("b-value", user(ID)));
    seen.add("again " + registry.register("a-value", user(ID)));
    seen.add("byId " + registry.getById(id2));
    seen.add("lookup " + registry.lookup("a-value", user(ID)));
    seen.add("latest " + registry.latest("a-value"));
    seen.add("version " + registry.version("a-value", 1));
    seen.add("subjects " + registry.subjects());
    seen.add("versions " + registry.versions("a-value"));
    seen.add("compatible " + registry.testCompatibility("a-value", user(ID, EMAIL)).compatible());
    seen.add("level " + registry.compatibility() + " " + registry.compatibility("a-value"));
    seen.add("set " + registry.setCompatibility(CompatibilityLevel.FULL));
    seen.add("setSubject " + registry.setCompatibility("b-value", CompatibilityLevel.NONE));
    seen.add(
        "levels " + registry.compatibility("a-value") + " " + registry.compatibility("b-value"));
    seen.add("incompatible " + code(() -> registry.register("a-value", user(ID, EMAIL))));
    seen.add("none accepts " + registry.register("b-value", user(ID, EMAIL)));
    seen.add("deleteVersion " + registry.deleteVersion("a-value", 1));
    seen.add(
        "after " + registry.versions("a-value") + " " + code(() -> registry.version("a-value", 1)));
    seen.add("deleteSubject " + registry.deleteSubject("b-value"));
    seen.add("subjects " + registry.subjects());
    seen.add("deleted id readable " + registry.getById(id1).getName());
    seen.add("gone " + code(() -> registry.versions("b-value")));
    seen.add(
        "reregister "
            + registry.register("b-value", user(ID))
            + " "
            + registry.versions("b-value"));
    seen.add("fresh " + registry.register("c-value", TestSchemas.numbered(1)));
    seen.add("missing " + code(() -> registry.getById(9999)));
    seen.add("missing subject " + code(() -> registry.latest("nope")));
    seen.add("missing version " + code(() -> registry.version("c-value", 4)));
    return seen;
  }

  private static int code(Supplier<?> call) {
    try {
      return call.get() == null ? -1 : 0;
    } catch (RegistryException e) {
      return e.errorCode();
    }
  }

  private static void assertCode(Supplier<?> call, int code) {
    assertThat(code(call)).isEqualTo(code);
  }
}
