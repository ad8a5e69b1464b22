package io.egressratelimit.config;

import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;

/** Reads one YAML file (one domain) into a {@link DomainConfig}. */
final class DomainFileParser {
  static final List<String> KEYS = List.of("domain", "descriptors");

  private DomainFileParser() {}

  static DomainConfig parse(String fileName, String yamlText) throws ConfigException {
    return parse(YamlDocument.compose(fileName, yamlText));
  }

  static DomainConfig parse(YamlValue document) throws ConfigException {
    String fileName = document.fileName();
    if (!(document.node() instanceof MappingNode)) {
      throw document.error("expected a map with 'domain' and 'descriptors', got " + document.describe());
    }
    YamlMap root = YamlMap.read(document, KEYS);
    YamlValue domainValue = root.require("domain", "missing; every file names the domain of its descriptors");
    String domain = domainValue.asText();
    if (domain.isEmpty()) {
      throw domainValue.error("config file cannot have an empty domain");
    }
    if (ReservedDomains.isReserved(domain)) {
      throw domainValue.error("domain '" + domain + "' is reserved for the service's own warm-up calls; name the domain otherwise");
    }
    DescriptorTreeBuilder builder = new DescriptorTreeBuilder(domain);
    Optional<YamlValue> descriptors = root.get("descriptors");
    DescriptorLevel tree = descriptors.isPresent() ? builder.readDomain(descriptors.get()) : DescriptorLevel.EMPTY;
    return new DomainConfig(domain, fileName, domainValue.line(), tree, builder.rules());
  }
}
