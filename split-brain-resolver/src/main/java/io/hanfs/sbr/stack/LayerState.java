package io.hanfs.sbr.stack;

import java.util.Locale;

/** A layer's state as the stack machine last saw it. */
public enum LayerState {
  UNKNOWN, UP, DOWN, FAILED, STARTING, STOPPING;

  /** As operators read it: {@code up}. */
  public String display() {
    return name().toLowerCase(Locale.ROOT);
  }
}
