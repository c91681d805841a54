package dev.offload.consumers.handlers.index;

import dev.offload.schemas.config.ConfigChecks.AtLeast;
import dev.offload.schemas.config.ConfigChecks.Positive;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the search index lives and how often it commits. {@link SearchIndex#open} checks it ({@link
 * dev.offload.schemas.config.ConfigChecks#check}, keys named {@code index.<key>}).
 *
 * @param directory the index directory on disk, created when missing; required
 * @param commitInterval how often pending changes are committed (and the searcher refreshed); a
 *     change is acknowledged to the worker only once a commit covers it. Default 250 ms
 * @param fragments most highlighted fragments per hit, at least 1; default 3
 * @param fragmentSize approximate characters per fragment, at least 10; default 120
 */
@RecordBuilder
public record SearchIndexConfig(
    Path directory,
    @Positive Duration commitInterval,
    @AtLeast(1) int fragments,
    @AtLeast(10) int fragmentSize)
    implements SearchIndexConfigBuilder.With {

  /** The defaults listed on the record, for an index in {@code directory}. */
  public static SearchIndexConfig defaults(Path directory) {
    return new SearchIndexConfig(directory, Duration.ofMillis(250), 3, 120);
  }
}
