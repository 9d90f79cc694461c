package io.hanfs.app.jmx;

import io.hanfs.app.ControlApi;
import io.hanfs.app.Json;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.Syntax;
import io.hanfs.leader.Leader;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.Role;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Registers the node's and each resource's MXBeans in the platform MBean server. The JVM's JMX
 * connector is off unless HANFS_JMX_PORT is set, and then bound to loopback (see deploy/hanfs).
 */
public final class Jmx {
  private Jmx() {}

  private static final long TIMEOUT_S = 330;

  static <T> T await(CompletionStage<T> s) {
    try {
      return s.toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("no answer: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
    }
  }

  static String describe(Leader.ControlReply r) {
    return (r.accepted() ? "done: " : r.refusal().map(x -> "refused (" + x.reason() + "): ").orElse("failed: ")) + r.message();
  }

  static String describe(ResourceAgent.Reply r) {
    if (r instanceof ResourceAgent.Done d) return "done: " + d.status().role().display() + " under epoch " + d.status().epoch();
    if (r instanceof ResourceAgent.Failed f) return "failed: " + f.message();
    ResourceAgent.Refused x = (ResourceAgent.Refused) r;
    return "refused (" + x.reason() + "): " + x.message();
  }

  public static void register(HanfsConfig config, String nodeName, ControlApi api) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    NodeMXBean node = new NodeMXBean() {
      NodeAgent.NodeStatus status() {
        return await(api.nodeStatus());
      }

      @Override
      public String getNode() {
        return nodeName;
      }

      @Override
      public boolean isStandby() {
        return status().standby();
      }

      @Override
      public boolean isMaintenance() {
        return status().maintenance();
      }

      @Override
      public String getStatusJson() {
        return Json.write(status());
      }

      @Override
      public String getClusterJson() {
        return Json.write(await(api.clusterStatus()));
      }

      @Override
      public String standby() {
        return describe(await(api.standby(nodeName, true)));
      }

      @Override
      public String unstandby() {
        return describe(await(api.standby(nodeName, false)));
      }

      @Override
      public String maintenanceOn() {
        return describe(await(api.maintenance(true)));
      }

      @Override
      public String maintenanceOff() {
        return describe(await(api.maintenance(false)));
      }
    };
    server.registerMBean(new StandardMBean(node, NodeMXBean.class, true), new ObjectName("io.hanfs:type=Node,name=" + nodeName));
    if (config.node(nodeName).map(HanfsConfig.Node::isData).orElse(false)) {
      for (HanfsConfig.Resource r : config.resources()) {
        server.registerMBean(new StandardMBean(resource(r.name(), api), ResourceMXBean.class, true),
            new ObjectName("io.hanfs:type=Resource,name=" + r.name()));
      }
    }
  }

  private static ResourceMXBean resource(String name, ControlApi api) {
    return new ResourceMXBean() {
      Optional<ResourceStatus> status() {
        return await(api.nodeStatus()).resources().stream().filter(s -> s.name().equals(name)).findFirst();
      }

      @Override
      public String getName() {
        return name;
      }

      @Override
      public String getRole() {
        return status().map(ResourceStatus::role).orElse(Role.UNKNOWN).display();
      }

      @Override
      public long getEpoch() {
        return status().map(ResourceStatus::epoch).orElse(0L);
      }

      @Override
      public String getMessage() {
        return status().map(ResourceStatus::message).orElse("");
      }

      @Override
      public String getActiveNode() {
        return await(api.clusterStatus()).resources().stream().filter(r -> r.name().equals(name)).findFirst()
            .flatMap(Leader.ResourceView::activeNode).orElse("-");
      }

      @Override
      public String switchover(String toNode) {
        Optional<String> to = toNode == null || toNode.isBlank() ? Optional.empty() : Optional.of(toNode.strip());
        if (to.isPresent() && !Syntax.isName(to.get())) return "refused (400): \"" + to.get() + "\" is not a node name";
        return describe(await(api.switchover(name, to)));
      }

      @Override
      public String promoteHere() {
        return describe(await(api.promote(name, 0)));
      }

      @Override
      public String demoteHere() {
        return describe(await(api.demote(name, 0)));
      }
    };
  }
}
