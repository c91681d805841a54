package dev.offload.consumers.handlers.index;

import dev.offload.consumers.retry.RetryableException;
import dev.offload.schemas.config.ConfigChecks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full-text index of documents on disk (Lucene), one Lucene document per id.
 *
 * <p>{@link #upsert} replaces the document with the same id ({@code updateDocument} by the id term)
 * and {@link #delete} removes it, so applying a change twice leaves the same index: the index is
 * idempotent by nature and needs no processed-event marks.
 *
 * <p>Commit and refresh policy: writes go to Lucene's in-memory buffer at once; a background thread
 * commits every {@link SearchIndexConfig#commitInterval()} when something changed, then refreshes
 * the near-real-time searcher. The future a write returns completes after the commit that covers
 * it, so a worker acknowledges (and commits the Kafka offset of) a change only once it is on disk
 * and visible to {@link #search} — one fsync per interval however many changes it groups.
 * Thread-safe.
 */
public final class SearchIndex implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SearchIndex.class);
  static final String ID = "id";
  static final String TITLE = "title";
  static final String BODY = "body";
  static final String TAG = "tag";

  private final SearchIndexConfig config;
  private final Analyzer analyzer = new StandardAnalyzer();
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final ScheduledExecutorService committer;
  private final Object commitLock = new Object();
  // Guards dirty and nextCommit together: a write marks the index dirty and takes the future of
  // the commit that will cover it in one step, so no commit can take the flag in between and leave
  // the write waiting for a commit that nothing asks for.
  private final Object pendingLock = new Object();
  private boolean dirty;
  private CompletableFuture<Void> nextCommit = new CompletableFuture<>();
  private volatile boolean closed;

  private SearchIndex(SearchIndexConfig config) throws IOException {
    this.config = ConfigChecks.check(config, "index.");
    Files.createDirectories(config.directory());
    this.directory = FSDirectory.open(config.directory());
    this.writer =
        new IndexWriter(
            directory,
            new IndexWriterConfig(analyzer)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
    this.searchers = new SearcherManager(writer, null);
    this.committer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "offload-index-commit");
              t.setDaemon(true);
              return t;
            });
    long interval = config.commitInterval().toMillis();
    committer.scheduleWithFixedDelay(
        this::commitQuietly, interval, interval, TimeUnit.MILLISECONDS);
  }

  /** Opens (or creates) the index in {@code config.directory()} and starts committing. */
  public static SearchIndex open(SearchIndexConfig config) throws IOException {
    return new SearchIndex(config);
  }

  /**
   * Adds {@code doc} or replaces the document with its id.
   *
   * @return completes once a commit covers the change
   */
  public CompletableFuture<Void> upsert(IndexedDocument doc) {
    return write(() -> writer.updateDocument(new Term(ID, doc.id()), toLucene(doc)));
  }

  /**
   * Removes the document {@code id}, if there is one.
   *
   * @return completes once a commit covers the change
   */
  public CompletableFuture<Void> delete(String id) {
    return write(() -> writer.deleteDocuments(new Term(ID, id)));
  }

  /**
   * Documents matching {@code query} (Lucene classic syntax over title and body, title weighted
   * double), best first, at most {@code limit}, with highlighted fragments.
   *
   * @throws IllegalArgumentException when the query does not parse or the limit is below 1
   */
  public List<SearchHit> search(String query, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    Query parsed = parse(query);
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        Highlights highlights = new Highlights(parsed, analyzer, config);
        StoredFields stored = searcher.storedFields();
        List<SearchHit> hits = new ArrayList<>();
        for (ScoreDoc sd : searcher.search(parsed, limit).scoreDocs) {
          Document d = stored.document(sd.doc);
          hits.add(
              new SearchHit(
                  d.get(ID), d.get(TITLE), sd.score, highlights.of(d.get(TITLE), d.get(BODY))));
        }
        return hits;
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("search failed", e);
    }
  }

  /** Documents in the index as of the last refresh. */
  public int count() {
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        return searcher.getIndexReader().numDocs();
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("count failed", e);
    }
  }

  /** Commits and refreshes now rather than at the next interval. */
  public void commitNow() throws IOException {
    commit();
  }

  /** Stops the committer, commits what is pending and closes the index. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    committer.shutdownNow();
    try {
      commit();
    } finally {
      synchronized (pendingLock) {
        nextCommit.completeExceptionally(new RetryableException("the search index closed"));
      }
      searchers.close();
      writer.close();
      directory.close();
    }
  }

  private CompletableFuture<Void> write(IndexWrite change) {
    if (closed) {
      return CompletableFuture.failedFuture(new RetryableException("the search index is closed"));
    }
    try {
      change.run();
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new RetryableException("index write failed", e));
    }
    // Taken after the write: the commit that completes this future swaps it after the write, then
    // commits.
    synchronized (pendingLock) {
      dirty = true;
      return nextCommit;
    }
  }

  private void commitQuietly() {
    try {
      commit();
    } catch (IOException | RuntimeException e) {
      log.warn("Search index commit failed; changes are retried: {}", e.toString());
    }
  }

  private void commit() throws IOException {
    synchronized (commitLock) {
      CompletableFuture<Void> covered;
      synchronized (pendingLock) {
        if (!dirty) {
          return;
        }
        dirty = false;
        covered = nextCommit;
        nextCommit = new CompletableFuture<>();
      }
      try {
        writer.commit();
        searchers.maybeRefreshBlocking();
        covered.complete(null);
      } catch (IOException | RuntimeException e) {
        covered.completeExceptionally(new RetryableException("index commit failed", e));
        throw e;
      }
    }
  }

  private Query parse(String query) {
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("query must not be blank");
    }
    MultiFieldQueryParser parser =
        new MultiFieldQueryParser(
            new String[] {TITLE, BODY}, analyzer, Map.of(TITLE, 2f, BODY, 1f));
    try {
      return parser.parse(query);
    } catch (ParseException e) {
      throw new IllegalArgumentException("cannot parse query: " + e.getMessage(), e);
    }
  }

  private static Document toLucene(IndexedDocument doc) {
    Document d = new Document();
    d.add(new StringField(ID, doc.id(), Field.Store.YES));
    d.add(new TextField(TITLE, doc.title(), Field.Store.YES));
    d.add(new TextField(BODY, doc.body(), Field.Store.YES));
    for (String tag : doc.tags()) {
      d.add(new StringField(TAG, tag, Field.Store.YES));
    }
    return d;
  }

  @FunctionalInterface
  private interface IndexWrite {
    void run() throws IOException;
  }
}
