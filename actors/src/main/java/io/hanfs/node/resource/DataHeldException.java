package io.hanfs.node.resource;

/**
 * A layer could not start because another holder still has the data: the device is in use or
 * mounted elsewhere, or DRBD refuses while its peer is Primary. That is not this node's failure
 * (the node is not banned for it); the promotion can be retried once the holder lets go.
 */
public class DataHeldException extends LayerException {
  public DataHeldException(String message) {
    super(message);
  }

  public DataHeldException(String message, Throwable cause) {
    super(message, cause);
  }
}
