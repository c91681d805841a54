package dev.offload.connectors.internal;

import io.debezium.embedded.KafkaConnectUtil;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;

/**
 * Kafka Connect's file offset store, written crash-safely.
 *
 * <p>{@link FileOffsetBackingStore} truncates the file and rewrites it in place; a process killed
 * during that write leaves a torn file, which the store then reads as "no offsets", and the
 * connector would resume from a later position than it had delivered. This store writes the same
 * format to a temporary file, forces it to disk and renames it over the old one atomically, so the
 * file always holds one complete flush. Reading is the parent's, so the files are interchangeable.
 */
public final class AtomicFileOffsetStore extends FileOffsetBackingStore {
  private Path file;

  /** Created by the Debezium engine, by class name. */
  public AtomicFileOffsetStore() {
    super(KafkaConnectUtil.converterForOffsetStore());
  }

  @Override
  public void configure(WorkerConfig config) {
    super.configure(config);
    file =
        Path.of(config.getString(StandaloneConfig.OFFSET_STORAGE_FILE_FILENAME_CONFIG))
            .toAbsolutePath();
  }

  @Override
  public synchronized void start() {
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new ConnectException("cannot create the offset directory " + file.getParent(), e);
    }
    super.start();
  }

  @Override
  protected void save() {
    Map<byte[], byte[]> raw = new HashMap<>();
    for (Map.Entry<ByteBuffer, ByteBuffer> e : data.entrySet()) {
      raw.put(bytes(e.getKey()), bytes(e.getValue()));
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      OutputStream out = Channels.newOutputStream(channel);
      ObjectOutputStream objects = new ObjectOutputStream(out);
      objects.writeObject(raw);
      objects.flush();
      channel.force(true);
    } catch (IOException e) {
      throw new ConnectException("cannot write offsets to " + tmp, e);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new ConnectException("cannot replace " + file + " with " + tmp, e);
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    return buffer == null ? null : buffer.array();
  }
}
