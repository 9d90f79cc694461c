package io.hanfs.node.resource;

/** A layer could not reach the state it was asked for; the message says why, for operators. */
public class LayerException extends RuntimeException {
  public LayerException(String message) {
    super(message);
  }

  public LayerException(String message, Throwable cause) {
    super(message, cause);
  }
}
