package dev.offload.streams.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A state directory slot ({@code <root>/<application-id>/instance-<n>}) that this process holds a
 * file lock on, so several instances and processes on one host never share Kafka Streams state or
 * process ids, while a restarted process finds its state again in the lowest free slot.
 */
public final class InstanceDirectory implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;

  private InstanceDirectory(Path path, FileChannel channel, FileLock lock) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  /** Locks the lowest free slot under {@code root} for {@code applicationId}. */
  public static InstanceDirectory acquire(Path root, String applicationId) {
    for (int n = 0; n < 1_000; n++) {
      Path dir = root.resolve(applicationId).resolve("instance-" + n);
      try {
        Files.createDirectories(dir);
        FileChannel channel =
            FileChannel.open(
                dir.resolve(".offload-instance.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = tryLock(channel);
        if (lock != null) {
          return new InstanceDirectory(dir, channel, lock);
        }
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot use state directory " + dir, e);
      }
    }
    throw new IllegalStateException("no free state directory slot under " + root);
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      // Another instance in this JVM holds the slot.
      return null;
    }
  }

  /** The directory to use as {@code state.dir}. */
  public Path path() {
    return path;
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release state directory " + path, e);
    }
  }
}
