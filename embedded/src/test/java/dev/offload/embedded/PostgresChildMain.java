package dev.offload.embedded;

import java.nio.file.Path;
import java.sql.DriverManager;

/**
 * Started as a child JVM by {@link EmbeddedServersIT}: starts PostgreSQL on the data directory
 * given as the argument, commits a row, prints {@code started} and waits to be killed.
 */
public final class PostgresChildMain {
  private PostgresChildMain() {}

  public static void main(String[] args) throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.start(Path.of(args[0]), 0);
    try (var c = DriverManager.getConnection(pg.jdbcUrl("postgres"), EmbeddedPostgres.USER, "");
        var s = c.createStatement()) {
      s.execute("CREATE TABLE kept (id int)");
      s.execute("INSERT INTO kept VALUES (7)");
    }
    System.out.println("started");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
