package dev.offload.app;

import dev.offload.producers.ApiConfig;
import dev.offload.producers.ProducerApp;
import dev.offload.producers.ProducerApps;
import dev.offload.runtime.config.ConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code offload apps}: the producer apps of the ingest API and their API keys. */
@Command(
    name = "apps",
    mixinStandardHelpOptions = true,
    description = {
      "Producer apps of the ingest API: each publishes with its own API key",
      "(Authorization: Bearer <key>) and only the event types it was given; its name becomes",
      "the events' producer (the offload-producer header). A key is printed once, at create and",
      "rotate, and only its SHA-256 is stored. The API caches keys for a few seconds",
      "(auth.key-cache-ttl, default 5 s): a revoke or rotate is in force within that time."
    },
    subcommands = {
      AppsCommand.Create.class,
      AppsCommand.ListApps.class,
      AppsCommand.Revoke.class,
      AppsCommand.Rotate.class
    })
final class AppsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the apps live: the API's database; by default the running {@code offload dev}'s. */
  static final class DatabaseOptions {
    static final String DEV_DATABASE = "offload";

    @Option(
        names = "--jdbc-url",
        paramLabel = "URL",
        description = {
          "The API's PostgreSQL (default: $OFFLOAD_DATABASE_JDBC_URL, else the PostgreSQL of the offload",
          "dev running on --data-dir, else jdbc:postgresql://127.0.0.1:5432/offload)."
        })
    String jdbcUrl;

    @Option(
        names = "--db-user",
        paramLabel = "USER",
        description = "PostgreSQL user (default: $OFFLOAD_DATABASE_USER, else postgres).")
    String user;

    @Option(
        names = "--db-password-file",
        paramLabel = "FILE",
        description =
            "File holding the PostgreSQL password (default: $OFFLOAD_DATABASE_PASSWORD_FILE; or"
                + " the password in $OFFLOAD_DATABASE_PASSWORD; else none).")
    Path passwordFile;

    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        defaultValue = ".offload",
        description =
            "Data directory of offload dev, to find its PostgreSQL (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    Map<String, String> env = System.getenv();

    /** The JDBC URL in force, by the rules in the option's description. */
    String url() {
      if (jdbcUrl != null) {
        return jdbcUrl;
      }
      String fromEnv = ConfigLoader.variable(env, "database.jdbc-url", "OFFLOAD_JDBC_URL");
      if (fromEnv != null && !fromEnv.isBlank()) {
        return fromEnv;
      }
      Integer devPort = devPostgresPort(dataDir);
      if (devPort != null) {
        return "jdbc:postgresql://127.0.0.1:" + devPort + "/" + DEV_DATABASE;
      }
      return "jdbc:postgresql://127.0.0.1:5432/" + DEV_DATABASE;
    }

    Connection connect() throws SQLException, IOException {
      String url = url();
      ApiConfig.Database.fromJdbcUrl(url, "u", ""); // a clear error for a URL of another form
      String fromEnv = ConfigLoader.variable(env, "database.user", "OFFLOAD_JDBC_USER");
      String name = user != null ? user : fromEnv != null ? fromEnv : "postgres";
      try {
        return DriverManager.getConnection(url, name, password());
      } catch (SQLException e) {
        throw new SQLException(
            "cannot connect to " + url + " as " + name + ": " + e.getMessage(), e);
      }
    }

    private String password() throws IOException {
      Path file = passwordFile;
      String fileFromEnv =
          ConfigLoader.variable(env, "database.password-file", "OFFLOAD_JDBC_PASSWORD_FILE");
      if (file == null && fileFromEnv != null) {
        file = Path.of(fileFromEnv);
      }
      if (file != null) {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      }
      String password = ConfigLoader.variable(env, "database.password", "OFFLOAD_JDBC_PASSWORD");
      return password == null ? "" : password;
    }

    /**
     * The port of the PostgreSQL that {@code offload dev} runs on {@code dataDir}, from the {@code
     * postmaster.pid} that PostgreSQL keeps in its data directory while it runs (its fourth line is
     * the port); {@code null} when none runs there.
     */
    static Integer devPostgresPort(Path dataDir) {
      Path pid = dataDir.resolve("postgres").resolve("pgdata").resolve("postmaster.pid");
      try {
        List<String> lines = Files.readAllLines(pid, StandardCharsets.UTF_8);
        return lines.size() >= 4 ? Integer.valueOf(lines.get(3).trim()) : null;
      } catch (IOException | NumberFormatException e) {
        return null;
      }
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Register an app and print its new API key (shown this once).")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DatabaseOptions db = new DatabaseOptions();

    @Parameters(index = "0", paramLabel = "NAME", description = "App name, e.g. billing.")
    String name;

    @Option(
        names = "--types",
        required = true,
        split = ",",
        paramLabel = "TYPE",
        description = "Event types it may publish, comma-separated; '*' for any.")
    List<String> types;

    @Option(
        names = {"-q", "--quiet"},
        description = "Print only the key (for scripts).")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (Connection connection = db.connect()) {
        ProducerApps apps = new ProducerApps(connection);
        apps.migrate();
        ProducerApps.IssuedKey issued = apps.create(name, types);
        if (quiet) {
          out.println(issued.key());
        } else {
          ProducerApp app = find(apps, name);
          out.printf(
              "Created app %s; it may publish: %s%n", name, String.join(", ", app.eventTypes()));
          out.println("API key (shown once: store it now; only its hash is kept):");
          out.println(issued.key());
          out.println("Send it as: Authorization: Bearer <key>");
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "List the apps: name, status, event types, when created and rotated (never keys).")
  static final class ListApps implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DatabaseOptions db = new DatabaseOptions();

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (Connection connection = db.connect()) {
        ProducerApps apps = new ProducerApps(connection);
        apps.migrate();
        List<ProducerApp> all = apps.list();
        if (all.isEmpty()) {
          out.println("No apps yet: offload apps create <name> --types <type,...>");
        } else {
          out.printf(
              "%-24s %-8s %-20s %-20s %s%n", "NAME", "STATUS", "CREATED", "ROTATED", "TYPES");
          for (ProducerApp app : all) {
            out.printf(
                "%-24s %-8s %-20s %-20s %s%n",
                app.name(),
                app.active() ? "active" : "revoked",
                time(app.createdAt()),
                app.rotatedAt() == null ? "-" : time(app.rotatedAt()),
                String.join(",", app.eventTypes()));
          }
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke an app's key for good (the name stays taken).")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DatabaseOptions db = new DatabaseOptions();

    @Parameters(index = "0", paramLabel = "NAME", description = "App name.")
    String name;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (Connection connection = db.connect()) {
        ProducerApps apps = new ProducerApps(connection);
        apps.migrate();
        if (apps.revoke(name)) {
          out.printf(
              "Revoked app %s; the API refuses its key within its key cache time (default 5 s).%n",
              name);
        } else {
          out.printf("App %s was revoked already.%n", name);
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = "Give an app a new API key (printed once); the old one stops working.")
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DatabaseOptions db = new DatabaseOptions();

    @Parameters(index = "0", paramLabel = "NAME", description = "App name.")
    String name;

    @Option(
        names = {"-q", "--quiet"},
        description = "Print only the key (for scripts).")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (Connection connection = db.connect()) {
        ProducerApps apps = new ProducerApps(connection);
        apps.migrate();
        ProducerApps.IssuedKey issued = apps.rotate(name);
        if (quiet) {
          out.println(issued.key());
        } else {
          out.printf(
              "New API key of app %s (shown once; the old key stops working within the API's key"
                  + " cache time, default 5 s):%n",
              name);
          out.println(issued.key());
        }
      }
      out.flush();
      return 0;
    }
  }

  private static ProducerApp find(ProducerApps apps, String name) throws SQLException {
    return apps.list().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
  }

  private static String time(java.time.OffsetDateTime at) {
    return at.truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }
}
