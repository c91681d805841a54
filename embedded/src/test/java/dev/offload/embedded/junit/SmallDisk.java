package dev.offload.embedded.junit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs a disk-full test mounts under the files it fills. Mounting needs root: where it is
 * not permitted the test is skipped (an aborted assumption), saying why.
 */
public final class SmallDisk {
  private SmallDisk() {}

  /**
   * Mounts a tmpfs of {@code size} (as mount takes it: {@code 64k}, {@code 256m}) on {@code disk}.
   */
  public static void mount(Path disk, String size, String under) throws Exception {
    String refused = tryMount(disk, size, under);
    Assumptions.assumeTrue(refused == null, refused);
  }

  /**
   * Mounts a tmpfs of {@code size} on {@code disk} if this machine lets it; returns null when
   * mounted, else why not.
   */
  public static String tryMount(Path disk, String size, String under) throws Exception {
    Process mount;
    try {
      mount =
          new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", disk.toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      return "no mount command to make a small tmpfs with: " + e.getMessage();
    }
    String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (mount.waitFor() != 0) {
      return "mounting a small tmpfs under "
          + under
          + " is not permitted here (needs root): "
          + output.strip();
    }
    return null;
  }

  public static void unmount(Path disk) throws Exception {
    Process umount =
        new ProcessBuilder("umount", disk.toString()).redirectErrorStream(true).start();
    String output = new String(umount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (umount.waitFor() != 0) {
      throw new IllegalStateException("cannot unmount " + disk + ": " + output.strip());
    }
  }

  /**
   * Writes {@code filler} until the file system has no space left, a page at a time, so that less
   * than a page stays free.
   */
  public static void fill(Path filler) throws IOException {
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
    }
  }
}
