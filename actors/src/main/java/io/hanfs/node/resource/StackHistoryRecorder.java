package io.hanfs.node.resource;

import io.hanfs.history.HistorySink;
import io.hanfs.sbr.history.HistoryKind;
import io.hanfs.sbr.history.StackHistory;
import io.hanfs.sbr.stack.LayerState;
import io.hanfs.sbr.stack.StackLayer;
import io.hanfs.sbr.stack.StackState;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Tells the history what each step of the resource's stack did here ({@link StackHistory} decides
 * what), with the times this shell owns: how long each layer's step took.
 */
final class StackHistoryRecorder {
  private final String resource;
  private final String node;
  private final HistorySink sink;
  private final Map<StackLayer, Long> stepStartedNanos = new EnumMap<>(StackLayer.class);

  StackHistoryRecorder(String resource, String node, HistorySink sink) {
    this.resource = resource;
    this.node = node;
    this.sink = sink;
  }

  /** The NFS server's first reclaim after a start here, or how its grace ended (or that the watch gave up on it). */
  void grace(StackState state, io.hanfs.node.resource.nfs.GraceEnd.Verdict verdict) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("role", state.role().display());
    facts.put("layer", StackLayer.NFS.layerName());
    if (verdict instanceof io.hanfs.node.resource.nfs.GraceEnd.FirstReclaim f) {
      facts.put("millis", String.valueOf(f.afterStart().toMillis()));
      facts.put("clients", String.valueOf(f.clients()));
      sink.publish(HistoryKind.FIRST_RECLAIM, resource, node, state.epoch(), verdict.describe(), facts);
      return;
    }
    if (verdict instanceof io.hanfs.node.resource.nfs.GraceEnd.Ended e) {
      facts.put("grace-end", e.reason().display());
      facts.put("millis", String.valueOf(e.afterStart().toMillis()));
      if (e.clients() >= 0) facts.put("clients", String.valueOf(e.clients()));
    } else if (verdict instanceof io.hanfs.node.resource.nfs.GraceEnd.GaveUp g) {
      facts.put("grace-end", "unknown");
      facts.put("millis", String.valueOf(g.afterStart().toMillis()));
    }
    sink.publish(HistoryKind.GRACE_ENDED, resource, node, state.epoch(), verdict.describe(), facts);
  }

  void observe(StackState before, StackState after, long nowNanos) {
    for (StackLayer l : StackLayer.ORDER) {
      LayerState was = before.layer(l).state();
      LayerState is = after.layer(l).state();
      if (was != is && (is == LayerState.STARTING || is == LayerState.STOPPING)) stepStartedNanos.put(l, nowNanos);
    }
    for (StackHistory.Change c : StackHistory.changes(before, after)) {
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("role", after.role().display());
      c.layer().ifPresent(l -> facts.put("layer", l.layerName()));
      c.op().ifPresent(o -> facts.put("op", o.name().toLowerCase(Locale.ROOT)));
      if (c.kind() == HistoryKind.STEP) {
        facts.put("ok", String.valueOf(c.ok()));
        Long started = stepStartedNanos.remove(c.layer().orElseThrow());
        if (started != null) facts.put("millis", String.valueOf((nowNanos - started) / 1_000_000));
      }
      if (!after.failure().isEmpty()) facts.put("failure", after.failure());
      sink.publish(c.kind(), resource, node, after.epoch(), c.reason(), facts);
    }
  }
}
