package dev.offload.embedded;

/**
 * The servers that integration tests run against: one Kafka cluster and one PostgreSQL server with
 * logical decoding.
 *
 * <p>Either the in-process embedded servers (the default everywhere) or containers on a machine
 * with a Docker engine; see {@link Backend}. Test code: other modules' tests get it, with {@link
 * dev.offload.embedded.junit.SharedInfrastructure}, from this module's test jar.
 */
public interface Infrastructure extends AutoCloseable {

  /** Which backend runs these servers. */
  Backend backend();

  /** The {@code bootstrap.servers} value clients use. */
  String bootstrapServers();

  /** PostgreSQL host. */
  String postgresHost();

  /** PostgreSQL port. */
  int postgresPort();

  /** A user allowed to create databases and replication slots. */
  String postgresUser();

  /** That user's password (may be empty). */
  String postgresPassword();

  /** Creates {@code database} unless it exists; returns its JDBC URL. */
  String createDatabase(String database);

  /** JDBC URL of {@code database}. */
  default String jdbcUrl(String database) {
    return "jdbc:postgresql://" + postgresHost() + ":" + postgresPort() + "/" + database;
  }

  /** Stops the servers. */
  @Override
  void close();
}
