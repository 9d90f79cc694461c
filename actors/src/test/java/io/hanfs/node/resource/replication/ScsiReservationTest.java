package io.hanfs.node.resource.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.exec.CommandResult;
import io.hanfs.exec.RecordingCommandRunner;
import io.hanfs.node.resource.LayerException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The reservation steps with a recording runner standing in for sg_persist on a LUN that keeps
 * SPC-3's registrations and reservation in memory (a TEST DOUBLE: the real sg_persist against
 * LIO's emulation runs in VmSharedDiskTest). The output texts are sg_persist's as captured there.
 */
class ScsiReservationTest {
  static final String KEYS_TWO = """
        PR generation=0x3, 2 registered reservation keys follow:
          0x68616e6600000001
          0x68616e6600000002
      """;
  static final String KEYS_NONE = "  PR generation=0x0, there are NO registered reservation keys\n";
  static final String HELD = """
        PR generation=0x3, Reservation follows:
          Key=0x68616e6600000002
          scope: LU_SCOPE,  type: Write Exclusive, registrants only
      """;
  static final String NOT_HELD = "  PR generation=0x3, there is NO reservation held\n";

  @Test
  void parsesKeysAndTheHolderFromSgPersistsOutput() {
    assertEquals(List.of(0x68616e6600000001L, 0x68616e6600000002L), ScsiReservation.parseKeys(KEYS_TWO));
    assertEquals(List.of(), ScsiReservation.parseKeys(KEYS_NONE));
    assertEquals(List.of(0x68616e6600000002L), ScsiReservation.parseKeys(HELD));
    assertEquals(List.of(), ScsiReservation.parseKeys(NOT_HELD));
    assertEquals(0x68616e6600000001L, ScsiReservation.keyOf(0));
    assertEquals("0x68616e6600000003", ScsiReservation.hex(ScsiReservation.keyOf(2)));
  }

  /** One LUN's PR state, as the target keeps it, seen through sg_persist's arguments. */
  static final class Lun {
    final Set<Long> keys = new LinkedHashSet<>();
    Optional<Long> holder = Optional.empty();
    boolean supportsPr = true;

    RecordingCommandRunner initiator(long self) {
      return new RecordingCommandRunner(argv -> answer(self, argv));
    }

    synchronized CommandResult answer(long self, List<String> argv) {
      if (!supportsPr) return RecordingCommandRunner.fail(argv, 5, "persistent reservation in: Illegal request");
      if (argv.contains("--read-keys")) {
        if (keys.isEmpty()) return RecordingCommandRunner.ok(argv, KEYS_NONE);
        StringBuilder b = new StringBuilder("  PR generation=0x1, " + keys.size() + " registered reservation keys follow:\n");
        keys.forEach(k -> b.append("    ").append(ScsiReservation.hex(k)).append('\n'));
        return RecordingCommandRunner.ok(argv, b.toString());
      }
      if (argv.contains("--read-reservation")) {
        return RecordingCommandRunner.ok(argv, holder.map(h -> "  PR generation=0x1, Reservation follows:\n    Key=" + ScsiReservation.hex(h)
            + "\n    scope: LU_SCOPE,  type: Write Exclusive, registrants only\n").orElse(NOT_HELD));
      }
      long sark = param(argv, "--param-sark=");
      if (argv.contains("--register-ignore")) {
        if (sark == 0) {
          keys.remove(self);
          if (holder.equals(Optional.of(self))) holder = Optional.empty();
        } else {
          keys.remove(self);
          keys.add(sark);
        }
        return RecordingCommandRunner.ok(argv, "");
      }
      long rk = param(argv, "--param-rk=");
      if (!keys.contains(rk)) return RecordingCommandRunner.fail(argv, 24, "reservation conflict");
      if (argv.contains("--reserve")) {
        if (holder.isPresent() && holder.get() != rk) return RecordingCommandRunner.fail(argv, 24, "reservation conflict");
        holder = Optional.of(rk);
        return RecordingCommandRunner.ok(argv, "");
      }
      if (argv.contains("--preempt-abort")) {
        keys.remove(sark);
        if (holder.equals(Optional.of(sark))) holder = Optional.of(rk);
        return RecordingCommandRunner.ok(argv, "");
      }
      return RecordingCommandRunner.fail(argv, 1, "unexpected " + argv);
    }

    static long param(List<String> argv, String prefix) {
      return argv.stream().filter(a -> a.startsWith(prefix)).map(a -> Long.parseUnsignedLong(a.substring(prefix.length() + 2), 16)).findFirst().orElse(-1L);
    }
  }

  static ScsiReservation node(Lun lun, int index) {
    return new ScsiReservation(Path.of("/dev/sda"), ScsiReservation.keyOf(index), lun.initiator(ScsiReservation.keyOf(index)), Duration.ofSeconds(5));
  }

  @Test
  void thePromotedNodePreemptsTheOldHolderAndEveryOtherKey() {
    Lun lun = new Lun();
    ScsiReservation n1 = node(lun, 0);
    ScsiReservation n2 = node(lun, 1);
    n1.take();
    assertEquals(Optional.of(n1.key()), lun.holder);
    assertEquals(Optional.empty(), n1.check());
    n1.take(); // again: nothing changes
    assertEquals(Set.of(n1.key()), lun.keys);
    // n2 promoted while n1 is frozen with the disk: n1's key and reservation are gone.
    n2.take();
    assertEquals(Optional.of(n2.key()), lun.holder);
    assertEquals(Set.of(n2.key()), lun.keys);
    assertTrue(n1.check().orElseThrow().contains("held by key 0x68616e6600000002"), n1.check().toString());
    n2.release();
    assertEquals(Optional.empty(), lun.holder);
    assertEquals(Set.of(), lun.keys);
    assertTrue(n2.check().orElseThrow().contains("not held"), n2.check().toString());
  }

  @Test
  void aDeviceWithoutPersistentReservationsIsAClearError() {
    Lun lun = new Lun();
    lun.supportsPr = false;
    LayerException e = assertThrows(LayerException.class, () -> node(lun, 0).take());
    assertTrue(e.getMessage().contains("does not support persistent reservations") && e.getMessage().contains("fencing = none"), e.getMessage());
    ScsiReservation unknown = new ScsiReservation(Path.of("/dev/sda"), ScsiReservation.NO_KEY, new Lun().initiator(0), Duration.ofSeconds(5));
    assertTrue(assertThrows(LayerException.class, unknown::take).getMessage().contains("key is unknown"));
  }
}
