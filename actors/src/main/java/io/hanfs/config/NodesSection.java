package io.hanfs.config;

import io.hanfs.config.HanfsConfig.Node;
import io.hanfs.config.HanfsConfig.Role;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code hanfs.nodes}: the cluster's members, each with a unique name and address and its roles. */
final class NodesSection {
  private NodesSection() {}

  /**
   * The nodes that parsed, and the path of every node name given (also of nodes that failed
   * otherwise), so that a reference to such a node is not reported a second time.
   */
  record Nodes(List<Node> list, Map<String, String> paths) {}

  /** {@code errors} is the whole config's so far: the cluster-shape checks wait until it is empty. */
  static Nodes read(ObjectReader h, Optional<String> localNode, List<ConfigError> errors) {
    List<Node> nodes = new ArrayList<>();
    Map<String, String> nodePaths = new HashMap<>();
    Map<String, String> addressPaths = new HashMap<>();
    for (ObjectReader n : h.objects("nodes", true)) {
      Optional<String> name = n.string("name", true, "nfs01");
      // An IPv6 literal is kept in RFC 5952 form: the form Pekko, ip and the certificates compare.
      Optional<String> address = n.string("address", true, "\"192.168.33.21\"").map(IpLiteral::canonical);
      boolean rolesGiven = n.has("roles");
      Optional<List<String>> roleNames = n.strings("roles", false, "[data]");
      n.finish();
      name.ifPresent(nm -> {
        if (!Syntax.isName(nm)) n.error("name", "\"" + nm + "\" is not a plain name", "use lower-case letters, digits and -, starting with a letter, at most 32");
        String prev = nodePaths.putIfAbsent(nm, n.path());
        if (prev != null) n.error("name", "node \"" + nm + "\" is already defined at " + prev, "give every node a unique name");
      });
      address.ifPresent(a -> {
        if (a.contains("%")) {
          n.error("address", "\"" + a + "\" has a zone id (%...): a node address must be reachable without naming an interface", "use a global or unique-local IPv6 address (e.g. \"fd00:33::21\"), not a link-local one");
        } else if (a.startsWith("[")) {
          n.error("address", "\"" + a + "\" is in brackets", "write the IPv6 address bare, e.g. \"fd00:33::21\"");
        } else if (!Syntax.isIpv4(a) && !Syntax.isIpv6(a) && !Syntax.isHostname(a)) {
          n.error("address", "\"" + a + "\" is not an IPv4 or IPv6 address or host name", "use e.g. \"192.168.33.21\" or \"fd00:33::21\"");
        }
        String prev = addressPaths.putIfAbsent(a, n.path());
        if (prev != null) n.error("address", "address " + a + " is already used by " + prev, "give every node its own address");
      });
      Set<Role> roles = EnumSet.noneOf(Role.class);
      for (String r : rolesGiven ? roleNames.orElse(List.of()) : List.of("data")) {
        try {
          roles.add(Role.valueOf(r.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          n.error("roles", "\"" + r + "\" is not a role", "use data or witness");
        }
      }
      if (rolesGiven && roleNames.isPresent() && roleNames.get().isEmpty()) n.error("roles", "is empty", "use [data] or [witness]");
      if (name.isPresent() && address.isPresent()) nodes.add(new Node(name.get(), address.get(), Set.copyOf(roles.isEmpty() ? EnumSet.of(Role.DATA) : roles)));
    }
    if (nodes.stream().noneMatch(Node::isData) && errors.isEmpty()) {
      h.error("nodes", "has no node with the data role", "give at least one node roles = [data]");
    }
    if (nodes.size() == 2 && errors.isEmpty()) {
      h.error("nodes", "has two voting nodes: a majority of two needs both, so either failing stops the service",
          "add a third node with roles = [witness] (it holds no data and needs little)");
    }
    localNode.ifPresent(ln -> {
      if (!nodePaths.containsKey(ln)) h.error("node", "\"" + ln + "\" is not in hanfs.nodes", "use one of " + nodePaths.keySet());
    });
    return new Nodes(nodes, nodePaths);
  }
}
