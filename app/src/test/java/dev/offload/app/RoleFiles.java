package dev.offload.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Configuration files of the roles, as the tests that run them as processes write them. */
final class RoleFiles {
  private RoleFiles() {}

  /**
   * Writes {@code file}: an outbox connector on {@code database} of the PostgreSQL server at {@code
   * host}:{@code port} (slot and publication named after it, the password left to the environment),
   * delivering to {@code bootstrap}, its offsets in {@code offsets}, health and metrics on {@code
   * httpPort}.
   */
  static Path connector(
      Path file,
      String host,
      int port,
      String user,
      String database,
      String bootstrap,
      String registryUrl,
      Path offsets,
      int httpPort)
      throws IOException {
    Files.writeString(
        file,
        String.join(
            "\n",
            "kafka: {bootstrap-servers: \"" + bootstrap + "\"}",
            "database: {host: "
                + host
                + ", port: "
                + port
                + ", name: "
                + database
                + ", user: "
                + user
                + "}",
            "registry: {url: \"" + registryUrl + "\"}",
            "connector: {name: connector-"
                + database
                + ", slot: "
                + database
                + ", publication: "
                + database
                + "_pub, offset-file: \""
                + offsets
                + "\"}",
            "http: {port: " + httpPort + "}"));
    return file;
  }
}
