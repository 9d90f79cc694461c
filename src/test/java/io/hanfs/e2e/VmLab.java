package io.hanfs.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The VM lab's host side: the cached guest image, a read-only disk with this checkout's hanfs
 * build, a bridge with one tap per guest (a private /24, no host address, no forwarding), per
 * guest a persistent state disk (and a DRBD backing disk on data nodes), and the qemu processes
 * (TCG), each with its console in a file and a guest-agent socket. Everything is made under one
 * work directory and removed by {@link #close()}: guests are ended by the PIDs of the qemu
 * processes this class started.
 */
final class VmLab implements AutoCloseable {
  static final Path ROOT = Path.of(System.getProperty("hanfs.root", "../..")).toAbsolutePath().normalize();
  static final Duration T = Duration.ofSeconds(60);
  static final String BRIDGE = "hfvm-br";
  static final String NET = "10.213.20";
  /** The witness's address on the lab's net (.13): it runs on the host, see {@link VmWitness}. */
  static final int WITNESS_HOST = 13;
  /** The guest with the kernel NFS client (and, in the shared-disk lab, the iSCSI target). */
  static final String CLIENT = "c";

  /** One lab guest: its name, address, disks, and while it runs, its qemu process and agent. */
  final class Guest {
    final String name;
    final String address;
    final String mac;
    final Path stateDisk;
    final Path dataDisk;
    final Path qgaSocket;
    /** A data guest runs hanfs from the package; the client guest (and the shared lab's SAN) does not. */
    final boolean data;
    Process qemu;
    GuestAgent agent;
    int boots;

    Guest(String name, int host, boolean data) {
      this.name = name;
      this.address = NET + "." + host;
      this.mac = String.format("52:54:00:14:20:%02x", host);
      this.data = data;
      this.stateDisk = dir.resolve(name + "-state.img");
      // A shared-disk lab's disk is the client guest's: it serves it to the data guests as an iSCSI LUN.
      this.dataDisk = sharedDisk ? (data ? null : dir.resolve("shared.img")) : data ? dir.resolve(name + "-data.img") : null;
      this.qgaSocket = dir.resolve(name + ".qga");
    }

    String tap() {
      return "hfvm-" + name;
    }

    Path console() {
      return dir.resolve(name + "-console-" + boots + ".log");
    }

    /** Boots the guest (again) with the same disks and waits for its agent. */
    void boot() throws IOException, InterruptedException {
      boots++;
      Files.deleteIfExists(qgaSocket);
      List<String> argv = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "q35,accel=tcg", "-cpu", "max", "-m", "768", "-smp", String.valueOf(cpusPerGuest),
          "-display", "none", "-monitor", "none", "-no-reboot", "-nodefaults", "-serial", "file:" + console(),
          "-kernel", image.resolve("vmlinux").toString(), "-initrd", image.resolve("initrd.img").toString(),
          "-append", "root=/dev/vda ro console=ttyS0 init=/sbin/hanfs-guest-init quiet panic=1 hanfs.mode=lab hanfs.name=" + name
              + " hanfs.ip=" + address + "/24",
          "-drive", "file=" + image.resolve("root.img") + ",if=virtio,format=raw,readonly=on",
          "-drive", "file=" + buildDisk + ",if=virtio,format=raw,readonly=on",
          "-drive", "file=" + stateDisk + ",if=virtio,format=raw"));
      if (dataDisk != null) {
        argv.addAll(List.of("-drive", "file=" + dataDisk + ",if=virtio,format=raw"));
      }
      argv.addAll(List.of("-netdev", "tap,id=n0,ifname=" + tap() + ",script=no,downscript=no",
          "-device", "virtio-net-pci,netdev=n0,mac=" + mac + ",romfile=",
          "-chardev", "socket,id=qga0,path=" + qgaSocket + ",server=on,wait=off",
          "-device", "virtio-serial-pci", "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0"));
      qemu = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(dir.resolve(name + "-qemu-" + boots + ".log").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!Files.exists(qgaSocket) && qemu.isAlive() && System.nanoTime() < deadline) Thread.sleep(100);
      if (!qemu.isAlive()) throw new IOException(name + ": qemu exited " + qemu.exitValue() + ": " + Files.readString(dir.resolve(name + "-qemu-" + boots + ".log")));
      if (agent != null) agent.close();
      agent = new GuestAgent(name, qgaSocket);
      agent.connect(Duration.ofMinutes(3));
      if (data) installPackage();
    }

    /**
     * Installs this build's Debian package with dpkg, as an administrator would (its files in a
     * RAM layer over the read-only /usr, so each boot installs it again), and the class-data
     * archive made for it. Every VM test runs hanfs from /usr/bin/hanfs.
     */
    void installPackage() throws IOException {
      check("mkdir", "-p", "/run/overlay/usr/upper", "/run/overlay/usr/work");
      check("mount", "-t", "overlay", "overlay", "-o", "lowerdir=/usr,upperdir=/run/overlay/usr/upper,workdir=/run/overlay/usr/work", "/usr");
      GuestAgent.Result r = agent.exec(List.of("dpkg", "-i", "/opt/hanfs/" + PACKAGE), Duration.ofMinutes(3));
      if (r.exitCode() != 0) throw new IOException(name + ": dpkg -i " + PACKAGE + " failed: " + r);
      check("cp", "/opt/hanfs/hanfs-cds.jsa", "/usr/share/hanfs/hanfs-cds.jsa");
      check("test", "-x", "/usr/bin/hanfs");
    }

    /** Ends the guest like a power cut: SIGKILL to the qemu process this lab started. */
    void crash() throws InterruptedException {
      if (qemu == null) return;
      qemu.destroyForcibly();
      qemu.waitFor(10, TimeUnit.SECONDS);
      if (agent != null) agent.close();
      agent = null;
    }

    GuestAgent.Result run(String... argv) throws IOException {
      return agent.exec(List.of(argv), T);
    }

    GuestAgent.Result check(String... argv) throws IOException {
      return agent.check(List.of(argv), T);
    }
  }

  final Path dir;
  /** The data guests share one disk (/dev/vdd in each) instead of a DRBD backing disk each. */
  final boolean sharedDisk;
  /**
   * Emulated CPUs per guest (multi-threaded TCG: one host thread each). One while several guests
   * share the host's two cores; a lab of one guest may give it both.
   */
  int cpusPerGuest = 1;
  final Map<String, Guest> guests = new LinkedHashMap<>();
  /** What runs beside the guests on the host (the witness), ended before them. */
  final List<AutoCloseable> onHost = new ArrayList<>();
  private final List<String> links = new ArrayList<>();
  Path image;
  Path buildDisk;

  private final Thread cleanup = new Thread(this::close, "vm-lab-cleanup");

  VmLab(Path dir) {
    this(dir, false);
  }

  VmLab(Path dir, boolean sharedDisk) {
    this.dir = dir;
    this.sharedDisk = sharedDisk;
    // A test JVM ended early (surefire timeout, SIGTERM) still ends its guests and removes its links.
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  Guest guest(String name) {
    return guests.get(name);
  }

  /** Image (cached), build disk, network, disks: everything but booting. */
  void prepare(Map<String, Boolean> nodes) throws IOException {
    Lab.Result build = Lab.exec(List.of(ROOT.resolve("deploy/lab/vm/build-image").toString()), Duration.ofMinutes(10), Map.of());
    if (!build.ok()) throw new IOException("image build: " + build);
    image = Path.of(build.out().strip());
    makeBuildDisk();
    check(List.of("ip", "link", "add", BRIDGE, "type", "bridge"));
    links.add(BRIDGE);
    check(List.of("ip", "link", "set", BRIDGE, "up"));
    int host = 11;
    for (Map.Entry<String, Boolean> n : nodes.entrySet()) {
      if (host == WITNESS_HOST) host++;
      Guest g = new Guest(n.getKey(), host++, n.getValue());
      check(List.of("ip", "tuntap", "add", "dev", g.tap(), "mode", "tap"));
      links.add(0, g.tap());
      check(List.of("ip", "link", "set", g.tap(), "master", BRIDGE));
      check(List.of("ip", "link", "set", g.tap(), "up"));
      sparse(g.stateDisk, 96);
      check(List.of("mkfs.ext4", "-q", "-F", "-L", "hanfs-state", g.stateDisk.toString()));
      if (g.dataDisk != null && !Files.exists(g.dataDisk)) sparse(g.dataDisk, 128);
      guests.put(g.name, g);
    }
  }

  /**
   * What the guests see at /opt/hanfs: the Debian package this build made (each guest installs it
   * at boot, see {@link Guest#installPackage}), its class-data archive, and test-classes/ for the
   * lab's client tools.
   */
  private void makeBuildDisk() throws IOException {
    Path staging = dir.resolve("build");
    Files.createDirectories(staging);
    Path deb;
    try (var debs = Files.list(ROOT.resolve("cluster-app/target"))) {
      deb = debs.filter(p -> p.getFileName().toString().matches("hanfs_.*_all\\.deb")).findFirst()
          .orElseThrow(() -> new IOException("no cluster-app/target/hanfs_*_all.deb: the VM lab installs the package (build without -Ddeb.skip)"));
    }
    Files.copy(deb, staging.resolve(PACKAGE), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    check(List.of("cp", "-a", ROOT.resolve("src/test/target/test-classes").toString(), staging.resolve("test-classes").toString()));
    // The guests start their daemons with the class-data archive (HANFS_CDS=on), as an installed
    // node would: on emulated CPUs, parsing the classes again costs each JVM most of its start.
    cdsArchive(staging);
    buildDisk = dir.resolve("hanfs-build.img");
    sparse(buildDisk, 256);
    check(List.of("mkfs.ext4", "-q", "-F", "-L", "hanfs-build", "-d", staging.toString(), buildDisk.toString()));
    check(List.of("rm", "-rf", staging.toString()));
  }

  /** The package's name on the build disk. */
  static final String PACKAGE = "hanfs.deb";

  /**
   * Writes the package's class-data archive with the guests' JVM (installed from the package in a
   * chroot of the guest image), or copies the one an earlier VM test of this build wrote for the
   * same guest image and package (it takes 25-35 s on a busy host).
   */
  private void cdsArchive(Path staging) throws IOException {
    long cds = System.nanoTime();
    Path cache = ROOT.resolve("src/test/target/vm-cds").resolve(cdsKey(staging) + ".jsa");
    Path archive = staging.resolve("hanfs-cds.jsa");
    if (Files.isRegularFile(cache)) {
      Files.copy(cache, archive, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      System.out.printf("vm lab: class-data archive of this build reused from %s in %.1f s%n", cache, (System.nanoTime() - cds) / 1e9);
      return;
    }
    Lab.Result r = Lab.exec(List.of(ROOT.resolve("deploy/lab/vm/cds-archive").toString(), image.toString(), staging.resolve(PACKAGE).toString(),
        archive.toString()), Duration.ofMinutes(4), Map.of());
    // The same dpkg -i the guests run: a package that does not install fails here, with its output.
    if (!r.ok()) throw new IOException("the package did not install in a chroot of the guest image, or hanfs cds failed there: " + r);
    System.out.printf("vm lab: package installed in the guest image and its class-data archive written in %.1f s%n", (System.nanoTime() - cds) / 1e9);
    Files.createDirectories(cache.getParent());
    // One build's archive at a time (tens of MiB each).
    try (var old = Files.list(cache.getParent())) {
      for (Path o : old.toList()) Files.deleteIfExists(o);
    }
    Path part = cache.resolveSibling(cache.getFileName() + ".part");
    Files.copy(archive, part, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    Files.move(part, cache, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** What the archive depends on: the guest image (its JVM) and the package (its jars' sizes and times). */
  private String cdsKey(Path staging) throws IOException {
    StringBuilder facts = new StringBuilder();
    Path root = image.resolve("root.img");
    facts.append(root.toRealPath()).append(' ').append(Files.size(root)).append(' ').append(Files.getLastModifiedTime(root).toMillis()).append('\n');
    Path deb = staging.resolve(PACKAGE);
    try {
      byte[] pkg = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(deb));
      facts.append(java.util.HexFormat.of().formatHex(pkg)).append('\n');
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(facts.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d, 0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sparse(Path file, long megabytes) throws IOException {
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(megabytes << 20);
    }
  }

  /** Boots all guests at once (TCG boots are CPU-bound; two at a time keep the host's two cores busy). */
  void bootAll() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (Guest g : guests.values()) {
      Thread t = new Thread(() -> {
        try {
          g.boot();
        } catch (Exception e) {
          failures.add(e);
        }
      }, "boot-" + g.name);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) t.join();
    if (!failures.isEmpty()) throw failures.get(0);
  }

  /** The guests' console logs, for a failure message. */
  String consoles() {
    StringBuilder b = new StringBuilder();
    for (Guest g : guests.values()) {
      for (int i = 1; i <= g.boots; i++) {
        Path c = dir.resolve(g.name + "-console-" + i + ".log");
        try {
          List<String> lines = Files.readAllLines(c);
          b.append("==== ").append(g.name).append(" console, boot ").append(i).append(" (last 60 lines) ====\n");
          lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(l -> b.append(l).append('\n'));
        } catch (IOException e) {
          b.append("==== ").append(g.name).append(": no console ").append(c).append('\n');
        }
      }
    }
    return b.toString();
  }

  @Override
  public synchronized void close() {
    for (AutoCloseable c : onHost) {
      try {
        c.close();
      } catch (Exception e) {
        System.out.println("vm lab: cannot end " + c + ": " + e);
      }
    }
    for (Guest g : guests.values()) {
      try {
        g.crash();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (String link : links) Lab.exec(List.of("ip", "link", "del", link), T, Map.of());
    links.clear();
  }

  static void check(List<String> argv) {
    Lab.Result r = Lab.exec(argv, Duration.ofMinutes(2), Map.of());
    if (!r.ok()) throw new IllegalStateException(argv + ": " + r);
  }
}
