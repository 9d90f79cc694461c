package io.hanfs.node.watchdog;

import io.hanfs.config.HanfsConfig;
import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux watchdog device ({@code /dev/watchdog}): opening it arms it, every write feeds it, a
 * 'V' written before closing disarms it (magic close). If the daemon dies with it open, or stops
 * writing, the kernel resets the machine {@code timeout} after the last feed. Thread-safe: the
 * shared-disk layer arms it before it claims the disk, the feeder feeds or disarms it.
 */
public final class WatchdogDevice {
  private static final Logger log = LoggerFactory.getLogger(WatchdogDevice.class);
  private static final int S_IFMT = 0170000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;

  private final HanfsConfig.Watchdog config;
  private final CommandRunner runner;
  private FileOutputStream open;
  /** Set by a deliberate stop: nothing arms the device again in this process. */
  private boolean retired;

  public WatchdogDevice(HanfsConfig.Watchdog config, CommandRunner runner) {
    this.config = config;
    this.runner = runner;
  }

  public HanfsConfig.Watchdog config() {
    return config;
  }

  /** What keeps the daemon from using the device; checked at start, before anything runs. */
  public static List<String> problems(HanfsConfig.Watchdog w) {
    List<String> out = new ArrayList<>();
    Path d = w.device();
    if (!Files.exists(d)) {
      out.add("hanfs.watchdog.device: " + d + " does not exist; load a driver (modprobe softdog, or the board's watchdog driver) or remove hanfs.watchdog");
      return out;
    }
    int type = mode(d) & S_IFMT;
    // A FIFO is what the namespace lab's test double reads (one kernel cannot reset one node).
    if (type != S_IFCHR && type != S_IFIFO) out.add("hanfs.watchdog.device: " + d + " is not a watchdog character device");
    return out;
  }

  private static int mode(Path p) {
    try {
      return ((Number) Files.getAttribute(p, "unix:mode")).intValue();
    } catch (IOException | UnsupportedOperationException e) {
      return 0;
    }
  }

  /**
   * Sets the device's timeout with util-linux wdctl (an ioctl Java cannot make) and reads it
   * back. A FIFO (the lab's test double) takes its timeout from the lab, not from here.
   */
  public void configure() {
    if ((mode(config.device()) & S_IFMT) != S_IFCHR) {
      log.warn("watchdog {} is not a character device (a test double?): hanfs does not set its timeout", config.device());
      return;
    }
    long seconds = config.timeout().toSeconds();
    CommandResult set = runner.run(List.of("wdctl", "--settimeout", Long.toString(seconds), config.device().toString()), Duration.ofSeconds(10));
    if (!set.ok()) throw new IllegalStateException("cannot set the watchdog timeout of " + config.device() + " to " + seconds + " s: " + set.describe());
    CommandResult show = runner.run(List.of("wdctl", config.device().toString()), Duration.ofSeconds(10));
    boolean matches = show.ok() && show.stdout().lines().anyMatch(l -> l.strip().matches("Timeout:\\s+" + seconds + " seconds?"));
    if (!matches) throw new IllegalStateException("the watchdog " + config.device() + " did not take a " + seconds + " s timeout: " + show.describe());
  }

  public synchronized boolean armed() {
    return open != null;
  }

  /** Opens (arms) the device if needed and feeds it; false once the daemon stops deliberately (nothing is armed then). */
  public synchronized boolean armAndFeed() throws IOException {
    if (retired) return false;
    if (open == null) {
      open = new FileOutputStream(config.device().toFile());
      log.warn("watchdog armed: {} resets this node {} s after the last feed", config.device(), config.timeout().toSeconds());
    }
    open.write('.');
    open.flush();
    return true;
  }

  /**
   * A deliberate stop (SIGTERM, a restart): disarm for good. The running stack is then guarded
   * by the voters' restart-grace, as without a watchdog; a crash, downing or a hang never gets
   * here, so the watchdog still resets the node then.
   */
  public synchronized void retire() {
    retired = true;
    disarm("deliberate stop; the voters keep the lease for restart-grace");
  }

  /** Magic close: this node holds no shared disk any more. */
  public synchronized void disarm(String why) {
    if (open == null) return;
    try {
      open.write('V');
      open.flush();
      open.close();
      log.warn("watchdog disarmed ({})", why);
    } catch (IOException e) {
      log.error("watchdog {}: the magic close failed ({}): the node may reset", config.device(), e.getMessage());
    } finally {
      open = null;
    }
  }
}
