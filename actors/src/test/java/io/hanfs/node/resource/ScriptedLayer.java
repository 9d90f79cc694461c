package io.hanfs.node.resource;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double of a layer for the ordering and supervision tests of the ResourceAgent: it keeps
 * an in-memory active flag, appends every call to a shared journal, and can be told to fail or
 * to block. The real layers run in the namespace lab end-to-end test.
 */
public final class ScriptedLayer implements Layer {
  private final String name;
  private final List<String> journal;
  final AtomicBoolean active = new AtomicBoolean();
  final AtomicBoolean healthy = new AtomicBoolean(true);
  final AtomicInteger failStarts = new AtomicInteger();
  final AtomicInteger failStops = new AtomicInteger();
  /** Starts that fail because "another holder has the data" (DataHeldException). */
  final AtomicInteger heldStarts = new AtomicInteger();
  volatile CountDownLatch startGate;
  /** What a healthy monitor reports (a DRBD link that connects, say); null: "NAME up". */
  volatile String monitorDetail;
  /** The replication facts a healthy monitor reports with it (none unless set). */
  volatile java.util.Optional<io.hanfs.sbr.data.ReplicationFacts> monitorReplication = java.util.Optional.empty();

  public ScriptedLayer(String name, List<String> journal) {
    this.name = name;
    this.journal = journal;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Probe probe() {
    return active.get() ? Probe.up(name + " up") : Probe.down(name + " down");
  }

  @Override
  public void start() {
    journal.add("start " + name);
    CountDownLatch gate = startGate;
    if (gate != null) {
      try {
        gate.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (failStarts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new LayerException(name + " refuses to start");
    if (heldStarts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new DataHeldException(name + ": the device is in use elsewhere");
    active.set(true);
    healthy.set(true);
  }

  @Override
  public void stop() {
    journal.add("stop " + name);
    if (failStops.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new LayerException(name + " refuses to stop");
    active.set(false);
  }

  @Override
  public Probe monitor() {
    if (!active.get() || !healthy.get()) return Probe.failed(name + " broke");
    String d = monitorDetail;
    return new Probe(true, true, d == null ? name + " up" : d, monitorReplication);
  }
}
