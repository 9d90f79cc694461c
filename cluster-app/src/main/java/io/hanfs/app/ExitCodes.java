package io.hanfs.app;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CLI's exit codes, the same for every command (the DRBD handlers keep DRBD's, status
 * --check has the monitor's): shown in each command's --help and in docs/operations.md.
 */
final class ExitCodes {
  static final int OK = 0;
  /** The daemon or the leader refused, or the operation failed. */
  static final int REFUSED = 1;
  /** Bad arguments or an invalid config: nothing was done. */
  static final int USAGE = 2;
  static final int UNREACHABLE = 3;
  /** No answer in time: the operation may still be running. */
  static final int TIMED_OUT = 4;

  private ExitCodes() {}

  static Map<String, String> help() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(" 0", "done");
    m.put(" 1", "refused or failed (the reason is printed)");
    m.put(" 2", "usage: bad arguments or invalid config; nothing done");
    m.put(" 3", "cannot reach the daemon");
    m.put(" 4", "no answer in time; the operation may still be running (see hanfs status)");
    return m;
  }
}
