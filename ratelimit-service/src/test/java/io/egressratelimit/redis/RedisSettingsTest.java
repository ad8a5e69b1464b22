package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How settings become Lettuce addresses, and the messages bad ones get. No Redis needed. */
class RedisSettingsTest {
  private static RedisCredentials credentials(RedisURI uri) {
    return uri.getCredentialsProvider().resolveCredentials().block();
  }

  @Test
  void strategiesAreNamedAsTheSettingNamesThem() {
    assertEquals(RedisStrategy.ATOMIC_SCRIPT, RedisStrategy.parse("script"));
    assertEquals(RedisStrategy.BUCKET4J_CAS, RedisStrategy.parse(" Bucket4j "));
    assertEquals(RedisStrategy.BUCKET4J_CAS, RedisStrategy.parse("bucket4j_cas"));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> RedisStrategy.parse("lua"));
    assertEquals("REDIS_STRATEGY must be script or bucket4j, got 'lua'", bad.getMessage());
  }

  @Test
  void aHostAndPortAloneIsAPlainRedisAddressUnlessTlsIsOn() {
    RedisStoreSettings settings = RedisStoreSettings.standalone("redis.internal:6380");
    RedisURI plain = RedisAddresses.of(settings.url(), settings);
    assertEquals("redis.internal", plain.getHost());
    assertEquals(6380, plain.getPort());
    assertFalse(plain.isSsl());

    RedisURI secure = RedisAddresses.of(settings.url(),
        settings.withTls(RedisTlsSettings.trusting(Path.of("/etc/redis/ca.crt"))));
    assertTrue(secure.isSsl());
    assertEquals(SslVerifyMode.FULL, secure.getVerifyMode());
  }

  @Test
  void aTlsUrlAlwaysVerifiesTheServerFully() {
    RedisStoreSettings settings = RedisStoreSettings.standalone("rediss://redis.internal:6380?verifyPeer=NONE");
    assertEquals(SslVerifyMode.FULL, RedisAddresses.of(settings.url(), settings).getVerifyMode());
  }

  @Test
  void redisAuthIsAPasswordOrAUserAndPasswordAndWinsOverTheUrl() {
    RedisStoreSettings settings = RedisStoreSettings.standalone("redis://someone:old@redis.internal:6379");
    RedisCredentials acl = credentials(RedisAddresses.of(settings.url(), settings.withPassword("limiter:s3:cret")));
    assertEquals("limiter", acl.getUsername());
    assertEquals("s3:cret", new String(acl.getPassword()));

    RedisStoreSettings plain = RedisStoreSettings.standalone("redis://redis.internal:6379");
    RedisCredentials password = credentials(RedisAddresses.of(plain.url(), plain.withPassword("s3cret")));
    assertNull(password.getUsername());
    assertEquals("s3cret", new String(password.getPassword()));
  }

  @Test
  void sentinelsAreGivenAsEnvoyproxyRatelimitGivesThem() {
    RedisURI uri = RedisAddresses.sentinelUri("mymaster,10.0.0.1:26380,10.0.0.2");
    assertEquals("mymaster", uri.getSentinelMasterId());
    assertEquals(List.of("10.0.0.1:26380", "10.0.0.2:26379"),
        uri.getSentinels().stream().map(s -> s.getHost() + ":" + s.getPort()).toList());
  }

  @Test
  void badAddressesAreExplained() {
    assertEquals("a Sentinel REDIS_URL is 'master,host:port[,host:port]' or 'redis-sentinel://host:port#master'",
        assertThrows(IllegalArgumentException.class, () -> RedisAddresses.sentinelUri("10.0.0.1:26379"))
            .getMessage());
    assertEquals("REDIS_URL 'mymaster,10.0.0.1:sentinel' has a port that is not a number: 'sentinel'",
        assertThrows(IllegalArgumentException.class, () -> RedisAddresses.sentinelUri("mymaster,10.0.0.1:sentinel"))
            .getMessage());
    RedisStoreSettings settings = RedisStoreSettings.standalone("http://user:pw@redis.internal:6379");
    assertEquals("REDIS_URL 'http://<redacted>@redis.internal:6379' is not a Redis address: Scheme http not supported",
        assertThrows(IllegalArgumentException.class, () -> RedisAddresses.of(settings.url(), settings)).getMessage());
  }

  @Test
  void settingsNeverShowASecret() {
    RedisStoreSettings settings =
        RedisStoreSettings.standalone("redis://limiter:url-secret@redis.internal:6379").withPassword("auth-secret");
    assertFalse(settings.toString().contains("secret"), settings.toString());
  }

  @Test
  void aTimeoutMustBePositive() {
    assertEquals("the Redis timeout must be positive, got 0 ms", assertThrows(IllegalArgumentException.class,
        () -> RedisStoreSettings.standalone("redis://h:1").withTimeout(Duration.ZERO)).getMessage());
  }

  @Test
  void onAClusterTheKeyPrefixMayNotHoldABrace() {
    assertEquals("the key prefix 'rl:{x}:' holds a brace, which on a Redis Cluster would put every bucket on one "
        + "master: leave { and } out of it", assertThrows(IllegalArgumentException.class,
        () -> RedisStoreSettings.of("h:1", RedisTopology.CLUSTER).withKeyPrefix("rl:{x}:")).getMessage());
    assertEquals("rl:{x}:", RedisStoreSettings.standalone("h:1").withKeyPrefix("rl:{x}:").keyPrefix(),
        "one node has no slots");
  }
}
