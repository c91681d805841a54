package dev.offload.schemas;

import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.registry.SchemaVersion;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/** Schemas and registry doubles shared by the tests. */
public final class TestSchemas {
  private TestSchemas() {}

  /** Parses a schema from JSON written with single quotes. */
  public static Schema schema(String json) {
    return new Schema.Parser().parse(json.replace('\'', '"'));
  }

  /** {@code test.Profile} v1: id, name. */
  public static Schema profileV1() {
    return schema(
        "{'type':'record','name':'Profile','namespace':'test','fields':["
            + "{'name':'id','type':'string'},{'name':'name','type':'string'}]}");
  }

  /** {@code test.Profile} v2: v1 plus an optional nickname. */
  public static Schema profileV2() {
    return schema(
        "{'type':'record','name':'Profile','namespace':'test','fields':["
            + "{'name':'id','type':'string'},{'name':'name','type':'string'},"
            + "{'name':'nickname','type':['null','string'],'default':null}]}");
  }

  /** A registry that knows one schema, under every subject, with a fixed id. */
  public static SchemaRegistry fixedId(int id, Schema schema) {
    return (SchemaRegistry)
        Proxy.newProxyInstance(
            SchemaRegistry.class.getClassLoader(),
            new Class<?>[] {SchemaRegistry.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "register" -> id;
                  case "getById" -> {
                    if ((int) args[0] != id) {
                      throw new RegistryException(
                          "Schema " + args[0] + " not found",
                          404,
                          RegistryException.SCHEMA_NOT_FOUND);
                    }
                    yield schema;
                  }
                  case "lookup", "latest" -> new SchemaVersion((String) args[0], 1, id, schema);
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  /** Wraps {@code delegate}, counting the calls of each method by name. */
  public static SchemaRegistry counting(SchemaRegistry delegate, Map<String, AtomicInteger> calls) {
    return (SchemaRegistry)
        Proxy.newProxyInstance(
            SchemaRegistry.class.getClassLoader(),
            new Class<?>[] {SchemaRegistry.class},
            (proxy, method, args) -> {
              calls.computeIfAbsent(method.getName(), n -> new AtomicInteger()).incrementAndGet();
              try {
                return method.invoke(delegate, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  /** A fresh map for {@link #counting}. */
  public static Map<String, AtomicInteger> calls() {
    return new ConcurrentHashMap<>();
  }

  /** How often {@code method} was called. */
  public static int count(Map<String, AtomicInteger> calls, String method) {
    AtomicInteger count = calls.get(method);
    return count == null ? 0 : count.get();
  }
}
