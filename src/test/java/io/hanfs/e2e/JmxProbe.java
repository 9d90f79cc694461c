package io.hanfs.e2e;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A JMX client run inside a node's network namespace by the end-to-end test (JMX is bound to
 * that namespace's loopback): prints the node's and a resource's attributes, and the answer to
 * one operation, one per line as key=value.
 */
public final class JmxProbe {
  private JmxProbe() {}

  public static void main(String[] args) throws Exception {
    String port = args[0];
    String node = args[1];
    String resource = args[2];
    JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
    // Without a login the daemon's JMX lets nobody in.
    try (JMXConnector anonymous = JMXConnectorFactory.connect(url)) {
      System.out.println("anonymous=admitted");
    } catch (SecurityException e) {
      System.out.println("anonymous=refused");
    }
    java.util.Map<String, Object> login = java.util.Map.of(JMXConnector.CREDENTIALS, new String[] {args[3], args[4]});
    try (JMXConnector c = JMXConnectorFactory.connect(url, login)) {
      MBeanServerConnection s = c.getMBeanServerConnection();
      ObjectName n = new ObjectName("io.hanfs:type=Node,name=" + node);
      ObjectName r = new ObjectName("io.hanfs:type=Resource,name=" + resource);
      System.out.println("node=" + s.getAttribute(n, "Node"));
      System.out.println("standby=" + s.getAttribute(n, "Standby"));
      System.out.println("role=" + s.getAttribute(r, "Role"));
      System.out.println("epoch=" + s.getAttribute(r, "Epoch"));
      System.out.println("switchover=" + s.invoke(r, "switchover", new Object[] {"nosuch"}, new String[] {String.class.getName()}));
    }
  }
}
