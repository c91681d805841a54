package dev.offload.embedded.junit;

import dev.offload.embedded.Backend;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.internal.ContainerInfrastructure;
import dev.offload.embedded.internal.EmbeddedInfrastructure;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension that gives every integration test in a JVM the same Kafka broker and the same
 * PostgreSQL server, started on first use and stopped when the JVM's test run ends.
 *
 * <p>Use {@code @ExtendWith(SharedInfrastructure.class)} and take an {@link Infrastructure}
 * parameter (constructor, lifecycle or test method), or call {@link #get()}. Tests keep out of each
 * other's way with {@link TestNames}: a unique topic, group, database and slot per test.
 */
public final class SharedInfrastructure implements BeforeAllCallback, ParameterResolver {
  private static final Logger log = LoggerFactory.getLogger(SharedInfrastructure.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    holder(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Infrastructure.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return holder(context).infrastructure;
  }

  /** The shared servers, started now if no test has started them yet. */
  public static synchronized Infrastructure get() {
    if (Holder.instance == null) {
      Holder.instance = new Holder(startSelected());
      Runtime.getRuntime().addShutdownHook(new Thread(Holder.instance::close, "offload-it-stop"));
    }
    return Holder.instance.infrastructure;
  }

  private static Holder holder(ExtensionContext context) {
    get();
    // Closed by the shutdown hook alone, not by a JUnit store: when Failsafe runs test classes in
    // several forks it runs each class as its own launch, whose store closes after that class.
    return Holder.instance;
  }

  private static Infrastructure startSelected() {
    Backend backend =
        Backend.select(Backend.configuredSetting(), ContainerInfrastructure::dockerAvailable);
    log.info(
        "Integration tests run on the {} backend ({}={})",
        backend.name().toLowerCase(),
        Backend.ENV,
        Backend.configuredSetting() == null ? "auto" : Backend.configuredSetting());
    return backend == Backend.CONTAINERS
        ? ContainerInfrastructure.start()
        : EmbeddedInfrastructure.start();
  }

  private static final class Holder implements AutoCloseable {
    private static Holder instance;
    private final Infrastructure infrastructure;
    private boolean closed;

    private Holder(Infrastructure infrastructure) {
      this.infrastructure = infrastructure;
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        infrastructure.close();
      }
    }
  }
}
