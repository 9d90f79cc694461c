package io.hanfs.app;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.cluster.javadsl.ClusterHttpManagementRoutes;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * Pekko's cluster routes (GET /cluster/members, /cluster/shards) in their read-only form, in
 * place of Pekko's provider: its write routes (down, leave, join a member) would let any local
 * caller take a peer out of the cluster, whatever the lease and the leader decided. hanfs's own
 * routes need writes, so the management-wide read-only switch cannot be used for this.
 */
public final class ReadOnlyClusterRoutes implements ManagementRouteProvider {
  private final Cluster cluster;

  public ReadOnlyClusterRoutes(ExtendedActorSystem system) {
    this.cluster = Cluster.get(system);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return ClusterHttpManagementRoutes.readOnly(cluster);
  }
}
