package dev.offload.schemas.serde;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Lets Avro instantiate generated classes of the given packages.
 *
 * <p>Avro refuses to load classes by name from packages it does not trust ({@code
 * SecurityException: Forbidden ... not trusted}), which breaks reading specific records. Avro reads
 * its {@code org.apache.avro.SERIALIZABLE_PACKAGES} system property once, when its validator class
 * loads; this helper therefore both extends that property (for a validator that has not loaded yet)
 * and adds the packages to Avro's global validator (for one that has). {@link AvroDeserializer}
 * trusts {@code dev.offload.schemas.events}; applications call this once at start-up for the
 * packages of their own generated classes.
 *
 * <p>The trust is JVM-wide by nature: Avro keeps it in static state. A later call of {@link
 * ClassSecurityValidator#setGlobal} by other code replaces it.
 */
public final class AvroTrust {
  /** The system property that Avro reads. */
  public static final String SERIALIZABLE_PACKAGES = "org.apache.avro.SERIALIZABLE_PACKAGES";

  private static final Set<String> TRUSTED = ConcurrentHashMap.newKeySet();
  private static boolean validatorInstalled;

  private AvroTrust() {}

  /**
   * Trusts every class in {@code packages} and their sub-packages. Idempotent.
   *
   * @throws IllegalArgumentException for a blank package name
   */
  public static synchronized void trustPackages(String... packages) {
    for (String name : packages) {
      if (name == null || name.isBlank() || name.contains(",")) {
        throw new IllegalArgumentException("packages: not a package name: '" + name + "'");
      }
    }
    TRUSTED.addAll(Arrays.asList(packages));
    Set<String> property = new LinkedHashSet<>();
    String current = System.getProperty(SERIALIZABLE_PACKAGES);
    if (current != null && !current.isBlank()) {
      property.addAll(Arrays.asList(current.split(",")));
    }
    property.addAll(TRUSTED);
    System.setProperty(SERIALIZABLE_PACKAGES, String.join(",", property));
    if (!validatorInstalled) {
      ClassSecurityValidator.setGlobal(
          ClassSecurityValidator.composite(
              ClassSecurityValidator.getGlobal(), AvroTrust::isTrusted));
      validatorInstalled = true;
    }
  }

  /** Whether {@code type} lies in a package passed to {@link #trustPackages}. */
  public static boolean isTrusted(Class<?> type) {
    String name = type.getName();
    return TRUSTED.stream().anyMatch(p -> name.startsWith(p + "."));
  }
}
