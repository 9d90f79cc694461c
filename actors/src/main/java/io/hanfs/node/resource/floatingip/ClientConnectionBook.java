package io.hanfs.node.resource.floatingip;

import java.util.List;

/**
 * Where the active node leaves its NFS clients' connections and the next primary finds them:
 * the cluster's replicated data in the daemon (every member holds a copy, so the record
 * survives the death of the node that wrote it).
 */
public interface ClientConnectionBook {
  /** The connections to {@code resource}'s floating IP now (replaces the last record). */
  void record(String resource, List<ClientConnection> connections);

  /** The connections last recorded for {@code resource} by any node, as this node's copy has them. */
  List<ClientConnection> lastRecorded(String resource);

  /** No book (a daemon without a cluster, the tests of one node): nothing recorded, nothing to tickle. */
  ClientConnectionBook NONE = new ClientConnectionBook() {
    @Override
    public void record(String resource, List<ClientConnection> connections) {}

    @Override
    public List<ClientConnection> lastRecorded(String resource) {
      return List.of();
    }
  };
}
