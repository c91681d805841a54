package dev.offload.streams;

import dev.offload.streams.analytics.AnalyticsTopology;
import dev.offload.streams.router.RouterTopology;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The topologies that can be run by name: the built-in {@code router} and {@code analytics}, and
 * every topology the configuration names with a {@code class} key.
 */
public final class TopologyCatalog {
  private final Map<String, TopologyDefinition> byName;

  private TopologyCatalog(Map<String, TopologyDefinition> byName) {
    this.byName = byName;
  }

  /** The built-ins only. */
  public static TopologyCatalog builtIns() {
    return of(StreamsConfiguration.LOADER.defaults(Map.of()));
  }

  /**
   * The built-ins plus the user topologies named in {@code configuration}.
   *
   * @throws IllegalArgumentException when a named class is missing or not a topology definition
   */
  public static TopologyCatalog of(StreamsConfiguration configuration) {
    Map<String, TopologyDefinition> all = new LinkedHashMap<>();
    for (TopologyDefinition builtIn : List.of(new RouterTopology(), new AnalyticsTopology())) {
      all.put(builtIn.name(), builtIn);
    }
    configuration
        .topologies()
        .forEach(
            (name, section) -> {
              Object className = section.get("class");
              if (className != null) {
                TopologyDefinition custom = instantiate(name, className.toString());
                if (!custom.name().equals(name)) {
                  throw new IllegalArgumentException(
                      "topologies."
                          + name
                          + ".class: "
                          + className
                          + " calls itself '"
                          + custom.name()
                          + "'");
                }
                all.put(name, custom);
              }
            });
    return new TopologyCatalog(all);
  }

  private static TopologyDefinition instantiate(String name, String className) {
    String field = "topologies." + name + ".class";
    try {
      Class<?> type =
          Class.forName(className, true, Thread.currentThread().getContextClassLoader());
      if (!TopologyDefinition.class.isAssignableFrom(type)) {
        throw new IllegalArgumentException(
            field + ": " + className + " does not implement " + TopologyDefinition.class.getName());
      }
      return (TopologyDefinition) type.getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(field + ": class " + className + " not found", e);
    } catch (NoSuchMethodException
        | InstantiationException
        | IllegalAccessException
        | InvocationTargetException e) {
      throw new IllegalArgumentException(
          field + ": cannot create " + className + " with a public no-argument constructor", e);
    }
  }

  /** Every topology, built-ins first. */
  public List<TopologyDefinition> all() {
    return new ArrayList<>(byName.values());
  }

  /** The topology called {@code name}, if any. */
  public Optional<TopologyDefinition> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The topology called {@code name}.
   *
   * @throws IllegalArgumentException listing the known names when there is none
   */
  public TopologyDefinition require(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no topology named '" + name + "'; known: " + byName.keySet()));
  }
}
