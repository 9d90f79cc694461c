package io.hanfs.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The first step of the VM lab: the guest image (debootstrap bookworm, the host's stock Debian
 * kernel and modules) boots under qemu TCG via PVH, and inside it the real DRBD 8.4 and kernel
 * NFS server modules load and a Java runtime is there for hanfs. The guest powers itself off.
 * Long run only: {@link VmPackageTest} boots the same image in every run (and checks DRBD 8.4
 * there); this one is the first thing to run when a new kernel or image will not boot.
 */
class VmGuestBootTest {
  static final Path ROOT = Path.of(System.getProperty("hanfs.root", "../..")).toAbsolutePath().normalize();

  @Test
  void guestBootsWithDrbdAndNfsdModules() {
    Assumptions.assumeFalse(Boolean.getBoolean("hanfs.skipLab"), "lab tests skipped with -Dhanfs.skipLab=true");
    Assumptions.assumeTrue(Boolean.getBoolean("hanfs.longLab"), "in the long lab run only (-DlongLab=true)");
    Lab.Result build = Lab.exec(List.of(ROOT.resolve("deploy/lab/vm/build-image").toString()), Duration.ofMinutes(10), Map.of());
    assertTrue(build.ok(), "image build: " + build);
    Path image = Path.of(build.out().strip());
    long start = System.nanoTime();
    // No network device: this guest only proves the kernel, the modules and the image.
    Lab.Result boot = Lab.exec(List.of("qemu-system-x86_64", "-machine", "q35,accel=tcg", "-cpu", "max", "-m", "768", "-smp", "1",
        "-nographic", "-no-reboot", "-nodefaults", "-serial", "stdio",
        "-kernel", image.resolve("vmlinux").toString(), "-initrd", image.resolve("initrd.img").toString(),
        "-append", "root=/dev/vda ro console=ttyS0 init=/sbin/hanfs-guest-init quiet panic=1 hanfs.mode=check",
        "-drive", "file=" + image.resolve("root.img") + ",if=virtio,format=raw,readonly=on"), Duration.ofMinutes(4), Map.of());
    long millis = (System.nanoTime() - start) / 1_000_000;
    String console = boot.out();
    System.out.println("vm guest boot check: " + millis + " ms\n" + console.lines().filter(l -> l.startsWith("HANFS-GUEST")).reduce("", (a, b) -> a + b + "\n"));
    assertTrue(boot.code() == 0, "qemu: " + boot.code() + "\n" + console + boot.err());
    assertTrue(console.contains("HANFS-GUEST drbd: version: 8.4"), console);
    assertTrue(console.contains("HANFS-GUEST nfsd: loaded"), console);
    assertTrue(console.contains("HANFS-GUEST java: openjdk version \"17"), console);
    assertTrue(console.contains("HANFS-GUEST ready"), console);
  }
}
