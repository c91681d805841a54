package dev.offload.archfixture.leaky;

import dev.offload.embedded.internal.Databases;

/** A deliberate layering violation that the layering test must catch. Never used at run time. */
public final class LeakyCaller {
  private LeakyCaller() {}

  /** Reaches into another module's internals. */
  public static Class<?> leak() {
    return Databases.class;
  }
}
