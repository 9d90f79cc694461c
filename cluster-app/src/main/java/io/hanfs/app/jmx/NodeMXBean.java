package io.hanfs.app.jmx;

/** One hanfs node over JMX ({@code io.hanfs:type=Node,name=NODE}): the same as the HTTP routes. */
public interface NodeMXBean {
  String getNode();

  boolean isStandby();

  boolean isMaintenance();

  /** The node's resources and layers, as GET /hanfs/status answers (JSON). */
  String getStatusJson();

  /** The cluster as the leader sees it, as GET /hanfs/cluster answers (JSON). */
  String getClusterJson();

  String standby();

  String unstandby();

  String maintenanceOn();

  String maintenanceOff();
}
