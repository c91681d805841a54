package dev.offload.streams.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceDirectoryTest {
  @TempDir Path root;

  @Test
  void givesEachLiveInstanceItsOwnSlotAndReusesAFreedOne() {
    try (InstanceDirectory first = InstanceDirectory.acquire(root, "app")) {
      Path second;
      try (InstanceDirectory other = InstanceDirectory.acquire(root, "app")) {
        second = other.path();
        assertThat(first.path()).isEqualTo(root.resolve("app/instance-0"));
        assertThat(second).isEqualTo(root.resolve("app/instance-1"));
      }
      try (InstanceDirectory again = InstanceDirectory.acquire(root, "app")) {
        assertThat(again.path()).isEqualTo(second);
      }
    }
  }
}
