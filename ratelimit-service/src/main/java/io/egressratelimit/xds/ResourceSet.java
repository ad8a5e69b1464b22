package io.egressratelimit.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.egressratelimit.config.ConfigException;
import io.egressratelimit.config.ConfigParser;
import io.egressratelimit.config.RateLimitConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One state-of-the-world update: every {@code RateLimitConfig} resource the server holds for this
 * node, which together replace the config in force. The update is one unit: if any resource is
 * bad, none of them applies.
 */
final class ResourceSet {
  static final String TYPE_URL = "type.googleapis.com/ratelimit.config.ratelimit.v3.RateLimitConfig";

  private ResourceSet() {}

  /**
   * The config these resources describe, checked as strictly as files. Errors start with the
   * resource they are about: {@code RateLimitConfig 'name': path: reason}.
   *
   * @param mergeDomains MERGE_DOMAIN_CONFIG: a domain in several resources merges instead of being refused
   */
  static RateLimitConfig decode(List<Any> resources, boolean mergeDomains) throws ConfigException {
    Map<String, Map<String, Object>> documents = new LinkedHashMap<>();
    for (int i = 0; i < resources.size(); i++) {
      Any any = resources.get(i);
      String position = "resources[" + i + "]";
      if (!TYPE_URL.equals(any.getTypeUrl())) {
        throw new ConfigException(position + ": type URL '" + any.getTypeUrl() + "' is not " + TYPE_URL);
      }
      io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitConfig resource;
      try {
        resource = io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitConfig.parseFrom(any.getValue());
      } catch (InvalidProtocolBufferException e) {
        throw new ConfigException(position + ": not a valid RateLimitConfig message: " + e.getMessage());
      }
      String name = resource.getName().isEmpty()
          ? "RateLimitConfig " + position
          : "RateLimitConfig '" + resource.getName() + "'";
      if (documents.containsKey(name)) {
        throw new ConfigException(name + ": (document): the update holds two resources of this name");
      }
      documents.put(name, ResourceDocument.of(name, resource));
    }
    return ConfigParser.parseDocuments(documents, mergeDomains);
  }
}
