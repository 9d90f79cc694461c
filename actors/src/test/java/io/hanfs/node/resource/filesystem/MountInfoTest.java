package io.hanfs.node.resource.filesystem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.Captured;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountInfoTest {
  @Test
  void parsesTheLabNodesMountinfo() {
    List<MountInfo> all = MountInfo.parse(Captured.read("mountinfo-lab-node.txt"));
    assertTrue(all.size() > 5);
    MountInfo home = all.stream().filter(m -> m.mountPoint().equals("/srv/hanfs-hfdemo/home")).findFirst().orElseThrow();
    assertEquals(7, home.majorDev());
    assertEquals(0, home.minorDev());
    assertEquals("ext4", home.fstype());
    assertEquals("/dev/loop0", home.source());
    assertTrue(home.readWrite());
  }

  @Test
  void optionalFieldsAndEscapes() {
    MountInfo m = MountInfo.parseLine("36 35 98:0 / /mnt/with\\040space rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue").orElseThrow();
    assertEquals("/mnt/with space", m.mountPoint());
    assertEquals("ext3", m.fstype());
    assertEquals(98, m.majorDev());
    MountInfo ro = MountInfo.parseLine("40 35 147:0 / /srv/nfs/home ro,relatime - xfs /dev/drbd0 ro").orElseThrow();
    assertEquals(false, ro.readWrite());
  }

  @Test
  void malformedLinesAreSkipped() {
    assertTrue(MountInfo.parseLine("garbage").isEmpty());
    assertTrue(MountInfo.parseLine("1 2 x:y / /a rw - ext4 /dev/x rw").isEmpty());
  }
}
