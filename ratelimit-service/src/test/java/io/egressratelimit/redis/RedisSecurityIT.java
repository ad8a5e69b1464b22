package io.egressratelimit.redis;

import io.egressratelimit.testing.TestCertificates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.BucketStoreContract;
import io.egressratelimit.limiter.store.StoreUnavailableException;
import io.egressratelimit.testing.redis.RedisNode;
import io.egressratelimit.testing.redis.RedisNodes;
import io.egressratelimit.testing.redis.RespClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ACL users, passwords and TLS against real servers: one with a plain and a TLS port, an ACL user
 * limited to the {@code test:} keys and a password on the default user; and one that demands
 * client certificates. Certificates are made for the test by openssl.
 */
class RedisSecurityIT {
  private static final String USER = "limiter";
  private static final String USER_SECRET = "limiter-s3cret";
  private static final String DEFAULT_SECRET = "default-s3cret";

  private static TestCertificates tls;
  private static java.nio.file.Path tlsDir;
  private static RedisNode redis;
  private static int tlsPort;
  private static RedisNode mutualTlsRedis;
  private static int mutualTlsPort;

  @BeforeAll
  static void startRedis() {
    tlsDir = RedisNodes.newDir("tls");
    tls = TestCertificates.create(tlsDir);
    tlsPort = RedisNodes.freePort();
    redis = RedisNodes.server(tlsServerArgs(tlsPort, false).toArray(String[]::new));
    // Only what the store needs, on only its keys: the commands its scripts run included.
    RespClient.call(redis.port(), "ACL", "SETUSER", USER, "on", ">" + USER_SECRET, "~test:*", "-@all", "+evalsha",
        "+eval", "+get", "+mget", "+set", "+time");
    RespClient.call(redis.port(), "CONFIG", "SET", "requirepass", DEFAULT_SECRET);
    mutualTlsPort = RedisNodes.freePort();
    mutualTlsRedis = RedisNodes.server(tlsServerArgs(mutualTlsPort, true).toArray(String[]::new));
  }

  /** redis-server flags for a TLS port next to the plain one, trusting the test CA for client certificates. */
  private static java.util.List<String> tlsServerArgs(int port, boolean requireClientCertificate) {
    return java.util.List.of("--tls-port", Integer.toString(port), "--tls-cert-file", tls.serverCert().toString(),
        "--tls-key-file", tls.serverKey().toString(), "--tls-ca-cert-file", tls.caCert().toString(),
        "--tls-auth-clients", requireClientCertificate ? "yes" : "no");
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
    mutualTlsRedis.close();
  }

  private static RedisStoreSettings settings(String url, RedisStrategy strategy) {
    return TestStores.settings(url, RedisTopology.SINGLE, strategy);
  }

  /** Connects as production does (Redis time) and spends one token of a fresh bucket. */
  private static BatchOutcome spendOne(RedisStoreSettings settings) {
    try (BucketStore store = TestStores.connect(settings, DecisionTime.redisServer())) {
      BucketClaim hit = new BucketClaim(UUID.randomUUID().toString(), BucketStoreContract.TEN_PER_MINUTE_WINDOW, 1, 1,
          true);
      return store.consume(new BucketBatch(List.of(hit), "security")).toCompletableFuture().join();
    }
  }

  private static void assertServes(RedisStoreSettings settings) {
    BatchOutcome outcome = spendOne(settings);
    assertTrue(outcome.admitted());
    assertEquals(9, outcome.states().get(0).remaining());
  }

  private static String connectFailure(RedisStoreSettings settings) {
    RuntimeException failure = assertThrows(RuntimeException.class, () -> TestStores.connect(settings, DecisionTime.redisServer()).close());
    return failure.getMessage();
  }

  @ParameterizedTest
  @EnumSource(RedisStrategy.class)
  void anAclUserInTheUrlSpendsTokens(RedisStrategy strategy) {
    assertServes(settings("redis://" + USER + ":" + USER_SECRET + "@127.0.0.1:" + redis.port(), strategy));
  }

  @ParameterizedTest
  @EnumSource(RedisStrategy.class)
  void redisAuthAsUserColonPasswordLogsInAsThatUser(RedisStrategy strategy) {
    assertServes(settings("127.0.0.1:" + redis.port(), strategy).withPassword(USER + ":" + USER_SECRET));
  }

  @Test
  void redisAuthAsAPasswordAloneLogsInAsTheDefaultUser() {
    assertServes(settings("redis://127.0.0.1:" + redis.port(), RedisStrategy.ATOMIC_SCRIPT).withPassword(DEFAULT_SECRET));
  }

  /** The ACL user may touch only {@code test:} keys: proof that the store really is that user. */
  @ParameterizedTest
  @EnumSource(RedisStrategy.class)
  void theAclUserIsRefusedKeysOutsideItsPattern(RedisStrategy strategy) {
    RedisStoreSettings outside = settings("redis://127.0.0.1:" + redis.port(), strategy)
        .withPassword(USER + ":" + USER_SECRET)
        .withKeyPrefix("elsewhere:");
    CompletionException failure = assertThrows(CompletionException.class, () -> spendOne(outside));
    assertTrue(failure.getCause() instanceof StoreUnavailableException, failure.toString());
    assertTrue(failure.getCause().getMessage().contains("NOPERM"), failure.getCause().getMessage());
  }

  @Test
  void aWrongPasswordFailsAtConnectSayingSoWithoutShowingIt() {
    String message = connectFailure(
        settings("redis://" + USER + ":hunter2-wrong@127.0.0.1:" + redis.port(), RedisStrategy.ATOMIC_SCRIPT));
    assertTrue(message.startsWith("cannot connect to Redis at redis://<redacted>@127.0.0.1:" + redis.port() + ": "),
        message);
    assertTrue(message.contains("WRONGPASS"), message);
    assertFalse(message.contains("hunter2"), message);
  }

  @ParameterizedTest
  @EnumSource(RedisStrategy.class)
  void tlsWithTheServersCaSpendsTokens(RedisStrategy strategy) {
    assertServes(settings("rediss://127.0.0.1:" + tlsPort, strategy)
        .withPassword(DEFAULT_SECRET)
        .withTls(RedisTlsSettings.trusting(tls.caCert())));
  }

  @Test
  void theTlsSettingTurnsTlsOnForAPlainAddressAndAnAclUserWorksOverIt() {
    assertServes(settings("127.0.0.1:" + tlsPort, RedisStrategy.ATOMIC_SCRIPT)
        .withPassword(USER + ":" + USER_SECRET)
        .withTls(RedisTlsSettings.trusting(tls.caCert())));
  }

  @Test
  void theServersHostNameIsVerifiedAgainstItsCertificate() {
    assertServes(settings("rediss://localhost:" + tlsPort, RedisStrategy.ATOMIC_SCRIPT)
        .withPassword(DEFAULT_SECRET)
        .withTls(RedisTlsSettings.trusting(tls.caCert())));
  }

  @Test
  void aServerSignedByAnUntrustedCaIsRefused() {
    List<String> messages = new ArrayList<>();
    messages.add(connectFailure(settings("rediss://127.0.0.1:" + tlsPort, RedisStrategy.ATOMIC_SCRIPT)
        .withPassword(DEFAULT_SECRET)
        .withTls(RedisTlsSettings.trusting(tls.strangerCert()))));
    // Without a CA file the JVM's trust store decides, and it has never heard of this CA either.
    messages.add(connectFailure(settings("rediss://127.0.0.1:" + tlsPort, RedisStrategy.ATOMIC_SCRIPT)
        .withPassword(DEFAULT_SECRET)));
    for (String message : messages) {
      assertTrue(message.startsWith("cannot connect to Redis at rediss://127.0.0.1:" + tlsPort + ": "), message);
      assertTrue(message.contains("certification path"), message);
    }
  }

  @Test
  void aServerDemandingClientCertificatesAcceptsOursAndRefusesWithout() {
    RedisTlsSettings withoutCertificate = RedisTlsSettings.trusting(tls.caCert());
    RedisStoreSettings settings = settings("rediss://127.0.0.1:" + mutualTlsPort, RedisStrategy.BUCKET4J_CAS);
    assertServes(settings.withTls(withoutCertificate.withClientCertificate(tls.clientCert(), tls.clientKey())));
    assertTrue(connectFailure(settings.withTls(withoutCertificate)).startsWith("cannot connect to Redis"));
  }

  @Test
  void aMissingCertificateFileIsNamedBeforeAnyConnection() {
    Path missing = tlsDir.resolve("no-such-ca.crt");
    String message = connectFailure(settings("rediss://127.0.0.1:" + tlsPort, RedisStrategy.ATOMIC_SCRIPT)
        .withTls(RedisTlsSettings.trusting(missing)));
    assertEquals("the Redis TLS CA certificate (REDIS_TLS_CACERT) " + missing + " is not a readable file", message);
  }

  @Test
  void aClientCertificateWithoutItsKeyIsRefused() {
    IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
        () -> new RedisTlsSettings(true, java.util.Optional.empty(), java.util.Optional.of(tls.clientCert()),
            java.util.Optional.empty()));
    assertTrue(failure.getMessage().contains("REDIS_TLS_CLIENT_KEY"), failure.getMessage());
  }
}
