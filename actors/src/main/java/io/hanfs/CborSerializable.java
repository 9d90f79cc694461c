package io.hanfs;

/**
 * Marker for messages that may cross the network between hanfs nodes: bound to Pekko's
 * jackson-cbor serializer in reference.conf. Tests run with serialize-messages = on.
 */
public interface CborSerializable {}
