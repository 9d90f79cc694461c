package io.hanfs.app;

import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.InvalidConfigException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the CLI and the replication hooks find the local daemon: its management URL, the API
 * token its mutating routes require (in its state directory) and, for an https URL, the TLS
 * files to trust the node's certificate by (and present it, when this user can read the key).
 * Without a readable config: the defaults, 127.0.0.1:7626 and /var/lib/hanfs/api-token.
 */
record LocalEndpoint(String url, Optional<String> token, Optional<HanfsConfig.Tls> tls) {
  static final String DEFAULT_URL = "http://127.0.0.1:7626";
  static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/hanfs");

  LocalEndpoint(String url, Optional<String> token) {
    this(url, token, Optional.empty());
  }

  static LocalEndpoint locate(Optional<String> url, Path configFile) {
    Optional<HanfsConfig> cfg = read(configFile);
    String base = url.orElseGet(() -> cfg.flatMap(LocalEndpoint::configured).orElse(DEFAULT_URL));
    Path stateDir = cfg.map(HanfsConfig::stateDir).orElse(DEFAULT_STATE_DIR);
    Optional<HanfsConfig.Tls> tls = base.startsWith("https:") ? cfg.map(HanfsConfig::tls).filter(HanfsConfig.Tls::enabled) : Optional.empty();
    return new LocalEndpoint(base, ApiToken.read(ApiToken.file(stateDir)), tls);
  }

  /** This node's endpoint from the config; node-address needs to know which node this is. */
  private static Optional<String> configured(HanfsConfig c) {
    HanfsConfig.Management m = c.management();
    if (!m.hostname().equals(HanfsConfig.Management.NODE_ADDRESS)) return Optional.of((m.https() ? "https://" : "http://") + io.hanfs.config.IpLiteral.hostPort(m.hostname(), m.port()));
    Optional<HanfsConfig.Node> self = c.localNode().flatMap(c::node);
    if (self.isEmpty()) System.err.println("warning: hanfs.management.hostname is node-address, but this node is unknown (set HANFS_NODE or give --url)");
    return self.map(m::url);
  }

  private static Optional<HanfsConfig> read(Path configFile) {
    if (!configFile.toFile().isFile()) return Optional.empty();
    try {
      return Optional.of(ConfigLoader.load(configFile));
    } catch (InvalidConfigException e) {
      System.err.println("warning: " + configFile + " is invalid, using the default management address and token file");
      return Optional.empty();
    }
  }

  /** The TLS context for an https URL: the cluster's CA as the only trust anchor. */
  Optional<javax.net.ssl.SSLContext> sslContext() throws java.io.IOException, java.security.GeneralSecurityException {
    return tls.isPresent() ? Optional.of(io.hanfs.app.tls.PemContext.client(tls.get())) : Optional.empty();
  }
}
