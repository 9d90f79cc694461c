package io.hanfs.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The VM lab's NFS client workload, run in a guest on the NFS mount (java -cp test-classes):
 * appends numbered records to a file, fsync after each, and prints "acked SEQ MILLIS" once the
 * fsync returned, i.e. once the server has the record on stable storage. A hard mount blocks the
 * fsync through a failover; the gap between two acks is the client's outage.
 */
public final class RecordWriter {
  private RecordWriter() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: RecordWriter FILE INTERVAL_MILLIS");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    long interval = Long.parseLong(args[1]);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      for (long seq = 1; ; seq++) {
        long now = System.currentTimeMillis();
        ByteBuffer b = ByteBuffer.wrap(String.format("record %08d %d%n", seq, now).getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) ch.write(b);
        ch.force(true);
        System.out.println("acked " + seq + " " + System.currentTimeMillis());
        System.out.flush();
        Thread.sleep(interval);
      }
    }
  }
}
