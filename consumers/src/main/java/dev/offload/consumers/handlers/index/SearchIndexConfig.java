package dev.offload.consumers.handlers.index;

import dev.offload.runtime.config.ConfigChecks;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the search index lives and how often it commits.
 *
 * @param directory the index directory on disk, created when missing; required
 * @param commitInterval how often pending changes are committed (and the searcher refreshed); a
 *     change is acknowledged to the worker only once a commit covers it. Default 250 ms
 * @param fragments most highlighted fragments per hit, at least 1; default 3
 * @param fragmentSize approximate characters per fragment, at least 10; default 120
 */
@RecordBuilder
public record SearchIndexConfig(
    Path directory, Duration commitInterval, int fragments, int fragmentSize)
    implements SearchIndexConfigBuilder.With {

  /** Validates every field and names the one that is wrong. */
  public SearchIndexConfig {
    if (directory == null) {
      throw new IllegalArgumentException("index.directory must be set");
    }
    ConfigChecks.positive(commitInterval, "index.commitInterval");
    ConfigChecks.atLeast(fragments, 1, "index.fragments");
    ConfigChecks.atLeast(fragmentSize, 10, "index.fragmentSize");
  }

  /** The defaults listed on the record, for an index in {@code directory}. */
  public static SearchIndexConfig defaults(Path directory) {
    return new SearchIndexConfig(directory, Duration.ofMillis(250), 3, 120);
  }
}
