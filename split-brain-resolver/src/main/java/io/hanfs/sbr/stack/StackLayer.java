package io.hanfs.sbr.stack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The layers of one resource's stack, in promote order: clients reach the floating IP last. */
public enum StackLayer {
  REPLICATION,
  FILESYSTEM,
  NFS,
  FLOATING_IP;

  /** Bottom to top. */
  public static final List<StackLayer> ORDER = List.of(values());

  /** Top to bottom: the order of a demotion. */
  public static final List<StackLayer> REVERSED = reversed(ORDER);

  /** The name of the layer's child actor and in status: {@code floating-ip}. */
  public String layerName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** This layer and those above it. */
  public List<StackLayer> andAbove() {
    return ORDER.subList(ordinal(), ORDER.size());
  }

  /** This layer and those below it. */
  public List<StackLayer> andBelow() {
    return ORDER.subList(0, ordinal() + 1);
  }

  static List<StackLayer> reversed(List<StackLayer> layers) {
    List<StackLayer> r = new ArrayList<>(layers);
    Collections.reverse(r);
    return List.copyOf(r);
  }
}
