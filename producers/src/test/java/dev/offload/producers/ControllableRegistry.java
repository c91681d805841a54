package dev.offload.producers;

import dev.offload.schemas.registry.CompatibilityLevel;
import dev.offload.schemas.registry.CompatibilityResult;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.registry.SchemaVersion;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/**
 * An in-memory registry that tests can take down (every call fails as an unreachable registry does)
 * or make slow (calls wait for a latch), and whose calls are counted.
 */
final class ControllableRegistry implements SchemaRegistry {
  private final InMemorySchemaRegistry delegate = new InMemorySchemaRegistry();
  private final AtomicInteger calls = new AtomicInteger();
  private volatile boolean down;
  private volatile CountDownLatch gate = new CountDownLatch(0);

  /** Makes every call fail (true) or succeed again (false). */
  void setDown(boolean down) {
    this.down = down;
  }

  /** Makes every call wait until {@link #open()}. */
  void hold() {
    gate = new CountDownLatch(1);
  }

  /** Lets held and later calls through. */
  void open() {
    gate.countDown();
  }

  /** Calls made so far. */
  int calls() {
    return calls.get();
  }

  private void enter() {
    calls.incrementAndGet();
    try {
      if (!gate.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("registry held for more than 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted", e);
    }
    if (down) {
      throw new RegistryException(
          "no registry answered at http://127.0.0.1:1", new ConnectException("Connection refused"));
    }
  }

  @Override
  public int register(String subject, Schema schema) {
    enter();
    return delegate.register(subject, schema);
  }

  @Override
  public Schema getById(int id) {
    enter();
    return delegate.getById(id);
  }

  @Override
  public SchemaVersion lookup(String subject, Schema schema) {
    enter();
    return delegate.lookup(subject, schema);
  }

  @Override
  public SchemaVersion latest(String subject) {
    enter();
    return delegate.latest(subject);
  }

  @Override
  public SchemaVersion version(String subject, int version) {
    enter();
    return delegate.version(subject, version);
  }

  @Override
  public List<String> subjects() {
    enter();
    return delegate.subjects();
  }

  @Override
  public List<Integer> versions(String subject) {
    enter();
    return delegate.versions(subject);
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, Schema schema) {
    enter();
    return delegate.testCompatibility(subject, schema);
  }

  @Override
  public CompatibilityLevel compatibility() {
    enter();
    return delegate.compatibility();
  }

  @Override
  public CompatibilityLevel compatibility(String subject) {
    enter();
    return delegate.compatibility(subject);
  }

  @Override
  public CompatibilityLevel setCompatibility(CompatibilityLevel level) {
    enter();
    return delegate.setCompatibility(level);
  }

  @Override
  public CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level) {
    enter();
    return delegate.setCompatibility(subject, level);
  }

  @Override
  public List<Integer> deleteSubject(String subject) {
    enter();
    return delegate.deleteSubject(subject);
  }

  @Override
  public int deleteVersion(String subject, int version) {
    enter();
    return delegate.deleteVersion(subject, version);
  }
}
