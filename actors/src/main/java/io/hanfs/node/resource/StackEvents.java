package io.hanfs.node.resource;

import io.hanfs.node.resource.lease.ResourceLease;
import io.hanfs.sbr.stack.StackEvent;
import java.util.Optional;

/** What the layers and the lease report, as the stack machine's events. */
final class StackEvents {
  private StackEvents() {}

  static StackEvent fromLayer(LayerActor.Event event) {
    if (event instanceof LayerActor.MonitorFailed mf) return new StackEvent.MonitorFailed(mf.layer(), mf.detail(), System.nanoTime());
    if (event instanceof LayerActor.Monitored m) return new StackEvent.Monitored(m.layer(), m.probe().detail(), m.probe().replication());
    LayerActor.Completed c = (LayerActor.Completed) event;
    boolean ok = c.ok();
    return new StackEvent.LayerCompleted(c.layer(), c.op(), ok, ok && c.probe().healthy(), ok && c.probe().active(),
        ok ? c.probe().detail() : "", ok ? c.probe().replication() : Optional.empty(), ok ? "" : c.error(), c.heldElsewhere());
  }

  static StackEvent fromLease(ResourceLease.Event event) {
    if (event instanceof ResourceLease.Acquired) return new StackEvent.LeaseAcquired();
    if (event instanceof ResourceLease.NotAcquired n) return new StackEvent.LeaseNotAcquired(n.reason());
    if (event instanceof ResourceLease.Refusing r) return new StackEvent.LeaseRefusing(r.epoch(), r.voter(), r.reason());
    return new StackEvent.LeaseLost(((ResourceLease.Lost) event).reason());
  }
}
