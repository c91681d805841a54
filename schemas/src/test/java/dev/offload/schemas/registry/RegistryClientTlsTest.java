package dev.offload.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with the SSLContext of the configuration; the certificate is made by the JDK's keytool. */
class RegistryClientTlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  private static KeyStore keyStore;

  @BeforeAll
  static void createCertificate(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("registry.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "registry",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                file.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    keytool.getInputStream().readAllBytes();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).isZero();
    keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      keyStore.load(in, PASSWORD);
    }
  }

  @Test
  void talksToAnHttpsRegistryTrustedByTheGivenContext() throws Exception {
    try (FakeRegistryServer server = FakeRegistryServer.startHttps(serverContext())) {
      server.respond(200, "[\"tls\"]");
      RegistryClient client =
          new RegistryClient(
              RegistryClientConfig.builder(server.url()).sslContext(clientContext()).build());

      assertThat(client.subjects()).containsExactly("tls");
      assertThat(server.url()).startsWith("https://");
    }
  }

  @Test
  void refusesAnUntrustedCertificateWithoutRetrying() throws Exception {
    try (FakeRegistryServer server = FakeRegistryServer.startHttps(serverContext())) {
      RegistryClient client =
          new RegistryClient(
              RegistryClientConfig.of(server.url()),
              d -> {
                throw new AssertionError("a TLS failure is not retried");
              },
              () -> 0L);

      assertThatThrownBy(client::subjects)
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("I/O error");
    }
  }

  private static SSLContext serverContext() throws Exception {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(keyStore, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  private static SSLContext clientContext() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("registry", keyStore.getCertificate("registry"));
    TrustManagerFactory trusts =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trusts.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trusts.getTrustManagers(), null);
    return context;
  }
}
