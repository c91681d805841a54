package dev.offload.connectors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.embedded.KafkaConnectUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileOffsetStoreTest {
  @TempDir Path dir;

  @Test
  void writesWhatKafkasFileStoreReadsAndLeavesNoTemporaryFile() throws Exception {
    Path file = dir.resolve("data/connector.offsets");
    ByteBuffer key = utf8("[\"engine\",{\"server\":\"offload\"}]");
    ByteBuffer value = utf8("{\"lsn\":123,\"txId\":7}");

    AtomicFileOffsetStore store = new AtomicFileOffsetStore();
    store.configure(config(file));
    store.start();
    store.set(Map.of(key, value), null).get(10, TimeUnit.SECONDS);
    store.set(Map.of(key, utf8("{\"lsn\":456,\"txId\":8}")), null).get(10, TimeUnit.SECONDS);
    store.stop();

    assertThat(Files.list(file.getParent()).map(p -> p.getFileName().toString()))
        .containsExactly("connector.offsets");
    FileOffsetBackingStore kafkas =
        new FileOffsetBackingStore(KafkaConnectUtil.converterForOffsetStore());
    kafkas.configure(config(file));
    kafkas.start();
    Map<ByteBuffer, ByteBuffer> read = kafkas.get(List.of(key)).get(10, TimeUnit.SECONDS);
    kafkas.stop();
    assertThat(StandardCharsets.UTF_8.decode(read.get(key)).toString())
        .isEqualTo("{\"lsn\":456,\"txId\":8}");
  }

  @Test
  void readsBackWhatItWroteAfterARestart() throws Exception {
    Path file = dir.resolve("connector.offsets");
    ByteBuffer key = utf8("[\"engine\",{\"server\":\"offload\"}]");

    AtomicFileOffsetStore first = new AtomicFileOffsetStore();
    first.configure(config(file));
    first.start();
    first.set(Map.of(key, utf8("{\"lsn\":1}")), null).get(10, TimeUnit.SECONDS);
    first.stop();

    AtomicFileOffsetStore second = new AtomicFileOffsetStore();
    second.configure(config(file));
    second.start();
    Map<ByteBuffer, ByteBuffer> read = second.get(List.of(key)).get(10, TimeUnit.SECONDS);
    second.stop();
    assertThat(StandardCharsets.UTF_8.decode(read.get(key)).toString()).isEqualTo("{\"lsn\":1}");
  }

  private static StandaloneConfig config(Path file) {
    return new StandaloneConfig(
        Map.of(
            StandaloneConfig.OFFSET_STORAGE_FILE_FILENAME_CONFIG,
            file.toString(),
            "key.converter",
            JsonConverter.class.getName(),
            "value.converter",
            JsonConverter.class.getName(),
            // Required by WorkerConfig, never contacted by a file store.
            "bootstrap.servers",
            "localhost:9092"));
  }

  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }
}
