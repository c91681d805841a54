package dev.offload.embedded.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** Database administration shared by the embedded server and the container backend of tests. */
public final class Databases {
  private Databases() {}

  /** Creates {@code database} on the server behind {@code adminUrl} unless it exists. */
  public static void createIfAbsent(
      String adminUrl, String user, String password, String database) {
    try (Connection c = DriverManager.getConnection(adminUrl, user, password);
        PreparedStatement exists =
            c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?");
        Statement create = c.createStatement()) {
      exists.setString(1, database);
      if (!exists.executeQuery().next()) {
        create.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + database, e);
    }
  }
}
