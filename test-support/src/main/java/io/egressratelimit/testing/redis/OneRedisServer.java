package io.egressratelimit.testing.redis;

import io.egressratelimit.testing.redis.RedisNode;
import io.egressratelimit.testing.redis.RedisNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One standalone redis-server shared by a test class and its nested classes:
 * {@code @RegisterExtension static final OneRedisServer redis = new OneRedisServer();}
 */
public final class OneRedisServer implements BeforeAllCallback, AfterAllCallback {
  private RedisNode node;
  private Class<?> owner;

  @Override
  public void beforeAll(ExtensionContext context) {
    if (node == null) {
      node = RedisNodes.server();
      owner = context.getRequiredTestClass();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (node != null && context.getRequiredTestClass() == owner) {
      node.close();
      node = null;
    }
  }

  public RedisNode node() {
    return node;
  }

  public String url() {
    return node.url();
  }

  public int port() {
    return node.port();
  }
}
