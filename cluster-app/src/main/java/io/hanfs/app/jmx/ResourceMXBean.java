package io.hanfs.app.jmx;

/** One HA resource on this node over JMX ({@code io.hanfs:type=Resource,name=RES}). */
public interface ResourceMXBean {
  String getName();

  /** This node's role for the resource: primary, secondary, promoting, ... */
  String getRole();

  long getEpoch();

  String getMessage();

  /** The node the leader sees the resource active on, or "-" . */
  String getActiveNode();

  /** Planned move through the leader; {@code toNode} empty for the best other data node. */
  String switchover(String toNode);

  String promoteHere();

  String demoteHere();
}
