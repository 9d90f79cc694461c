package io.hanfs.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VM lab, second step: two guests (d1, d2) on taps of a bridge this test creates (a private
 * /24 with no host address and no forwarding) bring up a real DRBD 8.4 resource r0 on their own
 * data disks, protocol C, and connect to each other over the lab network; d1 skips the initial
 * sync, writes a file as Primary and demotes, d2 promotes and reads the same bytes back. Everything the test
 * made is removed afterwards (bridge, taps, disks; the guests power themselves off).
 */
class VmDrbdPairTest {
  static final Path ROOT = Path.of(System.getProperty("hanfs.root", "../..")).toAbsolutePath().normalize();
  static final Duration T = Duration.ofSeconds(30);
  static final String BRIDGE = "hfvm-br";

  @Test
  void twoGuestsConnectARealDrbdResource(@TempDir Path dir) throws Exception {
    Assumptions.assumeFalse(Boolean.getBoolean("hanfs.skipLab"), "lab tests skipped with -Dhanfs.skipLab=true");
    Lab.Result build = Lab.exec(List.of(ROOT.resolve("deploy/lab/vm/build-image").toString()), Duration.ofMinutes(10), Map.of());
    assertTrue(build.ok(), "image build: " + build);
    Path image = Path.of(build.out().strip());
    List<String> made = new ArrayList<>();
    try {
      check(List.of("ip", "link", "add", BRIDGE, "type", "bridge"));
      made.add(BRIDGE);
      check(List.of("ip", "link", "set", BRIDGE, "up"));
      List<Thread> guests = new ArrayList<>();
      List<Lab.Result> results = new ArrayList<>(List.of(new Lab.Result(-1, "", ""), new Lab.Result(-1, "", "")));
      String[][] nodes = {{"d1", "10.213.20.11", "d2:10.213.20.12", "52:54:00:14:20:11"}, {"d2", "10.213.20.12", "d1:10.213.20.11", "52:54:00:14:20:12"}};
      for (int i = 0; i < nodes.length; i++) {
        String[] n = nodes[i];
        String tap = "hfvm-" + n[0];
        check(List.of("ip", "tuntap", "add", "dev", tap, "mode", "tap"));
        made.add(0, tap);
        check(List.of("ip", "link", "set", tap, "master", BRIDGE));
        check(List.of("ip", "link", "set", tap, "up"));
        Path data = dir.resolve(n[0] + "-data.img");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(data.toFile(), "rw")) {
          f.setLength(64L << 20);
        }
        List<String> qemu = List.of("qemu-system-x86_64", "-machine", "q35,accel=tcg", "-cpu", "max", "-m", "768", "-smp", "1",
            "-nographic", "-no-reboot", "-nodefaults", "-serial", "stdio",
            "-kernel", image.resolve("vmlinux").toString(), "-initrd", image.resolve("initrd.img").toString(),
            "-append", "root=/dev/vda ro console=ttyS0 init=/sbin/hanfs-guest-init quiet panic=1 hanfs.mode=drbd-pair hanfs.name=" + n[0]
                + " hanfs.ip=" + n[1] + "/24 hanfs.peer=" + n[2] + " hanfs.first=d1",
            "-drive", "file=" + image.resolve("root.img") + ",if=virtio,format=raw,readonly=on",
            "-drive", "file=" + data + ",if=virtio,format=raw",
            "-netdev", "tap,id=n0,ifname=" + tap + ",script=no,downscript=no", "-device", "virtio-net-pci,netdev=n0,mac=" + n[3] + ",romfile=");
        int slot = i;
        Thread t = new Thread(() -> results.set(slot, Lab.exec(qemu, Duration.ofMinutes(4), Map.of())), "guest-" + n[0]);
        t.start();
        guests.add(t);
      }
      for (Thread t : guests) t.join(Duration.ofMinutes(5).toMillis());
      for (int i = 0; i < nodes.length; i++) {
        String console = results.get(i).out();
        String report = console.lines().filter(l -> l.startsWith("HANFS-GUEST")).reduce("", (a, b) -> a + b + "\n");
        System.out.println("vm guest " + nodes[i][0] + ":\n" + report);
        assertTrue(results.get(i).code() == 0, nodes[i][0] + " qemu: " + results.get(i).code() + "\n" + console);
        assertTrue(report.contains("HANFS-GUEST net: " + nodes[i][0] + " " + nodes[i][1]), report);
        assertTrue(report.contains("cs:Connected ro:Secondary/Secondary"), nodes[i][0] + " did not connect r0:\n" + console);
      }
      // d1 skipped the initial sync, wrote a file as Primary and handed over; d2 read it back.
      String d1 = results.get(0).out();
      String d2 = results.get(1).out();
      java.util.regex.Matcher wrote = java.util.regex.Pattern.compile("HANFS-GUEST data: wrote ([0-9a-f]{16})").matcher(d1);
      assertTrue(wrote.find() && d1.contains("HANFS-GUEST data: handed over"), d1);
      assertTrue(d2.contains("HANFS-GUEST data: read " + wrote.group(1) + " 'written on d1'"), d2);
    } finally {
      for (String link : made) Lab.exec(List.of("ip", "link", "del", link), T, Map.of());
    }
    assertTrue(Lab.exec(List.of("ip", "link", "show", BRIDGE), T, Map.of()).code() != 0, "the bridge is gone");
  }

  static void check(List<String> argv) {
    Lab.Result r = Lab.exec(argv, T, Map.of());
    if (!r.ok()) throw new IllegalStateException(argv + ": " + r);
  }
}
