package io.hanfs.node.resource.lease;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A task run on an executor at most once more than it is running: a request made while a run is
 * queued is folded into it. The lease asks for the VIP's lifetime to be pushed forward at every
 * renewal, and on a starved machine each push (two ip processes) took longer than the renewal
 * interval: the requests queued without bound, and the layer's stop, which takes the same lock,
 * waited behind tens of stale pushes (38 s of a switchover in the VM lab). A push reads the
 * lease's newest deadline when it runs, so one queued run does what all of them would have.
 */
public final class CoalescedTask {
  private final Runnable task;
  private final Executor executor;
  private final AtomicBoolean queued = new AtomicBoolean();

  public CoalescedTask(Runnable task, Executor executor) {
    this.task = task;
    this.executor = executor;
  }

  /** Queues a run unless one is queued and not yet started. */
  public void request() {
    if (!queued.compareAndSet(false, true)) return;
    try {
      executor.execute(() -> {
        // Cleared before the run: a request during it (a newer deadline) queues one more.
        queued.set(false);
        task.run();
      });
    } catch (RuntimeException e) {
      queued.set(false);
      throw e;
    }
  }
}
