package dev.offload.producers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * API keys of producer apps: {@value #PREFIX} followed by 256 random bits in URL-safe Base64 (43
 * characters). Only the SHA-256 of a key is stored: the key is a random secret of full strength, so
 * a fast hash is as good as a slow one, and a lookup by hash needs no per-key salt. Hashes are
 * compared in constant time.
 */
public final class ApiKeys {
  /** Every key starts with this, so a leaked key is easy to recognise (and scan for). */
  public static final String PREFIX = "ofk_";

  /** Length of a key: the prefix and 43 Base64 characters. */
  public static final int LENGTH = PREFIX.length() + 43;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

  private ApiKeys() {}

  /** A new random key. */
  public static String generate() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return PREFIX + BASE64.encodeToString(secret);
  }

  /**
   * Whether {@code key} has the form of a key (prefix, length, alphabet); says nothing of its use.
   */
  public static boolean isWellFormed(String key) {
    if (key == null || key.length() != LENGTH || !key.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < key.length(); i++) {
      char c = key.charAt(i);
      boolean base64 =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!base64) {
        return false;
      }
    }
    return true;
  }

  /** The SHA-256 of {@code key}'s UTF-8 bytes: what is stored and looked up. */
  public static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Whether {@code key} hashes to {@code storedHash}, compared in constant time. */
  public static boolean matches(String key, byte[] storedHash) {
    return key != null && storedHash != null && MessageDigest.isEqual(hash(key), storedHash);
  }
}
