package io.hanfs.node.resource.nfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads /proc/net/tcp and tcp6 of this network namespace to see whether a port is listening. */
final class ListeningPorts {
  private ListeningPorts() {}

  static boolean listening(int port) {
    return listening(port, read(Path.of("/proc/net/tcp")) + "\n" + read(Path.of("/proc/net/tcp6")));
  }

  /** A line per socket: "sl local_address rem_address st ..."; local is HEXADDR:HEXPORT, st 0A is LISTEN. */
  static boolean listening(int port, String procNetTcp) {
    String hexPort = String.format(":%04X", port);
    for (String line : procNetTcp.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) return true;
    }
    return false;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "";
    }
  }
}
