package dev.offload.producers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void keysAreRandomPrefixedAndWellFormed() {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String key = ApiKeys.generate();
      assertThat(key).startsWith("ofk_").hasSize(ApiKeys.LENGTH);
      assertThat(ApiKeys.isWellFormed(key)).isTrue();
      keys.add(key);
    }
    assertThat(keys).hasSize(1000);
  }

  @Test
  void malformedKeysAreRecognised() {
    String key = ApiKeys.generate();
    assertThat(ApiKeys.isWellFormed(null)).isFalse();
    assertThat(ApiKeys.isWellFormed("")).isFalse();
    assertThat(ApiKeys.isWellFormed(key.substring(1))).isFalse();
    assertThat(ApiKeys.isWellFormed(key + "A")).isFalse();
    assertThat(ApiKeys.isWellFormed("ofk_" + "!".repeat(43))).isFalse();
    assertThat(ApiKeys.isWellFormed("xyz_" + key.substring(4))).isFalse();
  }

  @Test
  void hashIsSha256OfTheKey() {
    // SHA-256("abc"), from FIPS 180-2.
    assertThat(HexFormat.of().formatHex(ApiKeys.hash("abc")))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void matchesComparesTheHash() {
    String key = ApiKeys.generate();
    byte[] stored = ApiKeys.hash(key);

    assertThat(ApiKeys.matches(key, stored)).isTrue();
    assertThat(ApiKeys.matches(ApiKeys.generate(), stored)).isFalse();
    assertThat(ApiKeys.matches(null, stored)).isFalse();
    assertThat(ApiKeys.matches(key, null)).isFalse();
  }
}
