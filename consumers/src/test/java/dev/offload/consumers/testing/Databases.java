package dev.offload.consumers.testing;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.TestNames;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** A fresh database of the shared PostgreSQL per call. */
public final class Databases {
  private Databases() {}

  public static DataSource fresh(Infrastructure infra, String base) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(infra.createDatabase(TestNames.database(base)));
    ds.setUser(infra.postgresUser());
    ds.setPassword(infra.postgresPassword());
    return ds;
  }
}
