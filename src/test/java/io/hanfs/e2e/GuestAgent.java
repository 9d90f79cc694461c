package io.hanfs.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The host end of the QEMU guest agent (qemu-ga in the guest, a virtio-serial port, a Unix
 * socket on the host): runs argument lists in the guest (guest-exec, no shell), reads their exit
 * code and output, writes files. JSON lines; guest-sync-delimited re-synchronises the stream
 * after a (re)connect, as the agent's protocol prescribes.
 */
public final class GuestAgent implements AutoCloseable {
  /** A finished command in the guest. */
  public record Result(List<String> argv, int exitCode, String out, String err) {
    public boolean ok() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return String.join(" ", argv) + " -> " + exitCode + (out.isBlank() ? "" : "\nstdout: " + out.strip()) + (err.isBlank() ? "" : "\nstderr: " + err.strip());
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path socket;
  private final String name;
  private final ExecutorService reader;
  private SocketChannel channel;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private long syncId = System.nanoTime() & 0xffffff;

  public GuestAgent(String name, Path socket) {
    this.name = name;
    this.socket = socket;
    this.reader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "qga-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  /** Waits until the agent in the guest answers (it starts late in the guest's boot). */
  public synchronized void connect(Duration within) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try {
        reopen();
        long id = ++syncId;
        send("{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":" + id + "}}");
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until) {
          JsonNode r = readReply(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
          if (r.path("return").asLong(-1) == id) return;
        }
      } catch (IOException | TimeoutException e) {
        last = e instanceof IOException io ? io : new IOException(e.toString());
      }
      Thread.sleep(1000);
    }
    throw new IOException(name + ": the guest agent did not answer within " + within.toSeconds() + " s", last);
  }

  private void reopen() throws IOException {
    if (channel != null) channel.close();
    pending.reset();
    channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    // A connect to QEMU's socket can block for good while QEMU has not accepted an earlier one
    // (seen once, right after a guest's reboot): bounded, and closing the channel ends it.
    SocketChannel ch = channel;
    Future<?> connecting = submit(() -> ch.connect(UnixDomainSocketAddress.of(socket)));
    try {
      connecting.get(5, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      ch.close();
      connecting.cancel(true);
      throw new IOException(name + ": connecting to the guest agent's socket took over 5 s");
    } catch (InterruptedException e) {
      ch.close();
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      ch.close();
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  /** Work for the reader thread; after {@link #close()} it takes none, which is an I/O failure to callers. */
  private <T> Future<T> submit(java.util.concurrent.Callable<T> work) throws IOException {
    try {
      return reader.submit(work);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      throw new IOException(name + ": the guest agent connection is closed");
    }
  }

  private void send(String line) throws IOException {
    ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) channel.write(b);
  }

  /** One JSON reply line; 0xFF is the agent's sync delimiter and is skipped. */
  private JsonNode readReply(Duration timeout) throws IOException, TimeoutException {
    Future<String> line = submit(() -> {
      ByteBuffer one = ByteBuffer.allocate(4096);
      while (true) {
        byte[] buf = pending.toByteArray();
        for (int i = 0; i < buf.length; i++) {
          if (buf[i] == '\n') {
            String s = new String(buf, 0, i, StandardCharsets.UTF_8);
            pending.reset();
            pending.write(buf, i + 1, buf.length - i - 1);
            return s;
          }
        }
        one.clear();
        int n = channel.read(one);
        if (n < 0) throw new IOException(name + ": the guest agent's socket closed");
        for (int i = 0; i < n; i++) {
          byte c = one.get(i);
          if (c != (byte) 0xff) pending.write(c);
        }
      }
    });
    try {
      String s = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS).strip();
      if (s.isEmpty()) return JSON.createObjectNode();
      return JSON.readTree(s);
    } catch (TimeoutException e) {
      line.cancel(true);
      channel.close();
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  private synchronized JsonNode call(String command, ObjectNode args, Duration timeout) throws IOException {
    ObjectNode req = JSON.createObjectNode().put("execute", command);
    if (args != null) req.set("arguments", args);
    if (channel == null || !channel.isOpen()) {
      try {
        connect(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    send(JSON.writeValueAsString(req));
    try {
      JsonNode r = readReply(timeout);
      if (r.has("error")) throw new IOException(name + ": " + command + ": " + r.get("error").path("desc").asText(r.toString()));
      return r.path("return");
    } catch (TimeoutException e) {
      throw new IOException(name + ": no answer to " + command + " within " + timeout.toSeconds() + " s");
    }
  }

  /** Runs {@code argv} in the guest and waits for it (at most {@code timeout}). */
  public Result exec(List<String> argv, Duration timeout) throws IOException {
    ObjectNode a = JSON.createObjectNode().put("path", argv.get(0)).put("capture-output", true);
    a.putArray("arg").addAll(argv.subList(1, argv.size()).stream().map(JSON.getNodeFactory()::textNode).toList());
    a.putArray("env").add("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
    long pid = call("guest-exec", a, Duration.ofSeconds(20)).path("pid").asLong(-1);
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 20;
    while (true) {
      JsonNode st = call("guest-exec-status", JSON.createObjectNode().put("pid", pid), Duration.ofSeconds(20));
      if (st.path("exited").asBoolean(false)) {
        int code = st.has("exitcode") ? st.path("exitcode").asInt() : 128 + st.path("signal").asInt();
        return new Result(List.copyOf(argv), code, decode(st.path("out-data").asText("")), decode(st.path("err-data").asText("")));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(name + ": " + String.join(" ", argv) + " still running after " + timeout.toSeconds() + " s");
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      pause = Math.min(pause * 2, 250);
    }
  }

  /** Like {@link #exec} but fails unless the command succeeded. */
  public Result check(List<String> argv, Duration timeout) throws IOException {
    Result r = exec(argv, timeout);
    if (!r.ok()) throw new IOException(name + ": " + r);
    return r;
  }

  /** Writes {@code content} to {@code path} in the guest (created or truncated). */
  public void writeFile(String path, String content) throws IOException {
    long handle = call("guest-file-open", JSON.createObjectNode().put("path", path).put("mode", "w"), Duration.ofSeconds(20)).asLong(-1);
    try {
      call("guest-file-write", JSON.createObjectNode().put("handle", handle)
          .put("buf-b64", Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8))), Duration.ofSeconds(20));
    } finally {
      call("guest-file-close", JSON.createObjectNode().put("handle", handle), Duration.ofSeconds(20));
    }
  }

  /**
   * Reads {@code path} in the guest through the agent's file calls: no process is started, which
   * on an emulated CPU costs the guest far more than the read (the sampler reads every 300 ms).
   */
  public String readFile(String path) throws IOException {
    long handle = call("guest-file-open", JSON.createObjectNode().put("path", path).put("mode", "r"), Duration.ofSeconds(20)).asLong(-1);
    StringBuilder out = new StringBuilder();
    try {
      for (int i = 0; i < 256; i++) {
        JsonNode r = call("guest-file-read", JSON.createObjectNode().put("handle", handle).put("count", 65536), Duration.ofSeconds(20));
        out.append(decode(r.path("buf-b64").asText("")));
        if (r.path("eof").asBoolean(true) || r.path("count").asInt(0) == 0) break;
      }
    } finally {
      call("guest-file-close", JSON.createObjectNode().put("handle", handle), Duration.ofSeconds(20));
    }
    return out.toString();
  }

  /** The guest's wall clock (guest-get-time), in milliseconds since the epoch. */
  public long timeMillis() throws IOException {
    return call("guest-get-time", JSON.createObjectNode(), Duration.ofSeconds(20)).asLong() / 1_000_000;
  }

  private static String decode(String b64) {
    return b64.isEmpty() ? "" : new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void close() {
    try {
      if (channel != null) channel.close();
    } catch (IOException ignored) {
      // closing a socket whose guest is gone
    }
    reader.shutdownNow();
  }
}
