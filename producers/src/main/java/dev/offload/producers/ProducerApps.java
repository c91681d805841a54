package dev.offload.producers;

import dev.offload.schemas.EventTypes;
import dev.offload.schemas.outbox.OutboxMigrations;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The producer apps of an ingest API, in its PostgreSQL database ({@code offload_producer_apps}):
 * create, list, revoke, rotate. Each app has one API key, returned once by {@link #create} and
 * {@link #rotate} and stored only as its SHA-256 ({@link ApiKeys}); nothing here logs or returns a
 * stored key. The API caches what it looked up about a key for {@link
 * ApiConfig.Auth#keyCacheTtl()}, so a revocation or rotation is in force within that time.
 *
 * <p>Each call uses the given connection and commits its own change (auto-commit); {@link
 * #migrate()} creates the tables when the API has never run on the database.
 */
public final class ProducerApps {
  /** Stands for every event type in {@link #create}'s types. */
  public static final String ANY_TYPE = "*";

  /** The name of the built-in app of keyless requests in dev; no registered app may take it. */
  public static final String RESERVED_NAME = ApiConfig.DEFAULT_PRODUCER_NAME;

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*");
  private static final int MAX_NAME_LENGTH = 64;

  private final Connection connection;

  /** Apps in {@code connection}'s database; the caller closes the connection. */
  public ProducerApps(Connection connection) {
    this.connection = Objects.requireNonNull(connection, "connection");
  }

  /** A key issued to an app: shown once, never stored in the clear. */
  public record IssuedKey(String app, String key) {
    @Override
    public String toString() {
      return "IssuedKey[app=" + app + ", key=****]";
    }
  }

  /** Applies Offload's migrations (the apps table among them) unless done already. */
  public void migrate() throws SQLException {
    OutboxMigrations.migrate(connection);
  }

  /**
   * Registers {@code name}, allowed to publish {@code eventTypes} ({@value #ANY_TYPE} for any), and
   * returns its new key.
   *
   * @throws IllegalArgumentException when the name or a type is invalid, or the name is taken
   *     (revoked apps keep theirs)
   */
  public IssuedKey create(String name, Collection<String> eventTypes) throws SQLException {
    requireName(name);
    List<String> types = normalise(eventTypes);
    String key = ApiKeys.generate();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO offload_producer_apps (name, key_hash, event_types) VALUES (?, ?, ?)"
                + " ON CONFLICT (name) DO NOTHING")) {
      insert.setString(1, name);
      insert.setBytes(2, ApiKeys.hash(key));
      insert.setArray(3, connection.createArrayOf("text", types.toArray()));
      if (insert.executeUpdate() == 0) {
        throw new IllegalArgumentException(
            "an app named '" + name + "' exists already" + (revoked(name) ? " (revoked)" : ""));
      }
    }
    return new IssuedKey(name, key);
  }

  /** Every app, sorted by name. */
  public List<ProducerApp> list() throws SQLException {
    List<ProducerApp> apps = new ArrayList<>();
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT name, event_types, created_at, rotated_at, revoked_at"
                    + " FROM offload_producer_apps ORDER BY name");
        ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        apps.add(
            new ProducerApp(
                rs.getString(1),
                strings(rs.getArray(2)),
                rs.getObject(3, OffsetDateTime.class),
                rs.getObject(4, OffsetDateTime.class),
                rs.getObject(5, OffsetDateTime.class)));
      }
    }
    return apps;
  }

  /**
   * Revokes {@code name}'s key for good: the API answers {@code 401} to it within the key cache
   * time.
   *
   * @return {@code false} when it was revoked already
   * @throws IllegalArgumentException when no app has that name
   */
  public boolean revoke(String name) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE offload_producer_apps SET revoked_at = now()"
                + " WHERE name = ? AND revoked_at IS NULL")) {
      update.setString(1, name);
      if (update.executeUpdate() == 1) {
        return true;
      }
    }
    requireExists(name);
    return false;
  }

  /**
   * Replaces {@code name}'s key with a new one, returned once; the old key stops working within the
   * key cache time.
   *
   * @throws IllegalArgumentException when no app has that name, or it is revoked
   */
  public IssuedKey rotate(String name) throws SQLException {
    String key = ApiKeys.generate();
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE offload_producer_apps SET key_hash = ?, rotated_at = now()"
                + " WHERE name = ? AND revoked_at IS NULL")) {
      update.setBytes(1, ApiKeys.hash(key));
      update.setString(2, name);
      if (update.executeUpdate() == 1) {
        return new IssuedKey(name, key);
      }
    }
    requireExists(name);
    throw new IllegalArgumentException(
        "app '" + name + "' is revoked; a revoked app gets no new key (create another app)");
  }

  private void requireExists(String name) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT 1 FROM offload_producer_apps WHERE name = ?")) {
      select.setString(1, name);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalArgumentException("no app is named '" + name + "'");
        }
      }
    }
  }

  private boolean revoked(String name) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT revoked_at IS NOT NULL FROM offload_producer_apps WHERE name = ?")) {
      select.setString(1, name);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private static void requireName(String name) {
    if (name == null || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "app name '"
              + name
              + "' must be 1 to "
              + MAX_NAME_LENGTH
              + " lower-case letters and digits, starting with a letter, words joined by single"
              + " '-', '_' or '.'");
    }
    if (name.equals(RESERVED_NAME)) {
      throw new IllegalArgumentException(
          "app name '" + RESERVED_NAME + "' is reserved for keyless requests in dev");
    }
  }

  private static List<String> normalise(Collection<String> eventTypes) {
    if (eventTypes == null || eventTypes.isEmpty()) {
      throw new IllegalArgumentException(
          "an app needs at least one event type it may publish ('" + ANY_TYPE + "' for any)");
    }
    TreeSet<String> types = new TreeSet<>();
    for (String type : eventTypes) {
      String t = type == null ? "" : type.trim();
      if (!t.equals(ANY_TYPE) && !EventTypes.isValid(t)) {
        throw new IllegalArgumentException(
            "event type '"
                + t
                + "' is not kebab-case (e.g. user-signed-up) nor '"
                + ANY_TYPE
                + "'");
      }
      types.add(t);
    }
    return types.contains(ANY_TYPE) ? List.of(ANY_TYPE) : List.copyOf(types);
  }

  private static List<String> strings(Array array) throws SQLException {
    Object[] values = (Object[]) array.getArray();
    return Arrays.stream(values).map(String::valueOf).toList();
  }
}
