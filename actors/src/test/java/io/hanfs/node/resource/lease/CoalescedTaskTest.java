package io.hanfs.node.resource.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoalescedTaskTest {
  /** An executor that runs nothing until told: the starved machine, where runs queue. */
  static final class HeldExecutor implements java.util.concurrent.Executor {
    final Queue<Runnable> queue = new ArrayDeque<>();

    @Override
    public void execute(Runnable r) {
      queue.add(r);
    }

    void runOne() {
      queue.remove().run();
    }
  }

  @Test
  void requestsWhileOneIsQueuedAreFoldedIntoIt() {
    HeldExecutor ex = new HeldExecutor();
    AtomicInteger runs = new AtomicInteger();
    CoalescedTask t = new CoalescedTask(runs::incrementAndGet, ex);
    for (int i = 0; i < 50; i++) t.request();
    assertEquals(1, ex.queue.size(), "fifty renewals while none could run: one push queued");
    ex.runOne();
    assertEquals(1, runs.get());
    t.request();
    assertEquals(1, ex.queue.size(), "a request after the run queues a new one");
  }

  @Test
  void aRequestDuringARunQueuesExactlyOneMore() {
    HeldExecutor ex = new HeldExecutor();
    AtomicInteger runs = new AtomicInteger();
    CoalescedTask[] t = new CoalescedTask[1];
    t[0] = new CoalescedTask(() -> {
      if (runs.incrementAndGet() == 1) {
        // A renewal (a newer deadline) while the push runs: it must not be lost.
        t[0].request();
        t[0].request();
      }
    }, ex);
    t[0].request();
    ex.runOne();
    assertEquals(1, ex.queue.size());
    ex.runOne();
    assertEquals(2, runs.get());
    assertEquals(0, ex.queue.size());
  }

  @Test
  void aRejectedRunLeavesTheTaskRequestableAgain() {
    AtomicInteger tries = new AtomicInteger();
    HeldExecutor later = new HeldExecutor();
    CoalescedTask t = new CoalescedTask(() -> {}, r -> {
      if (tries.incrementAndGet() == 1) throw new RejectedExecutionException("shutting down");
      later.execute(r);
    });
    assertThrows(RejectedExecutionException.class, t::request);
    t.request();
    assertEquals(1, later.queue.size());
  }
}
