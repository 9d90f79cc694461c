package io.hanfs.node.resource;

import io.hanfs.CborSerializable;
import java.util.List;

/**
 * What one resource looks like on this node: its role, the epoch it acts under, the last
 * message for operators, and each layer's state.
 */
public record ResourceStatus(String name, String role, long epoch, String message, List<LayerStatus> layers, int recentFailures)
    implements CborSerializable {

  /** state is one of up, down, failed, starting, stopping, unknown. */
  public record LayerStatus(String name, String state, String detail) {}
}
