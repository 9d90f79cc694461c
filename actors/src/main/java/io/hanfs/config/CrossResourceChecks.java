package io.hanfs.config;

import io.hanfs.config.HanfsConfig.Export;
import io.hanfs.config.HanfsConfig.Resource;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What two resources may not share, checked once every resource parsed: a floating IP, an
 * export's fsid or path, a device, a mountpoint (or one inside another); and that every export is
 * on its resource's filesystem. Reported on {@code hanfs} with each field's path.
 */
final class CrossResourceChecks {
  private CrossResourceChecks() {}

  static void check(ObjectReader h, List<Resource> resources) {
    Map<Integer, String> fsids = new HashMap<>();
    Map<Path, String> exportPaths = new HashMap<>();
    Map<String, String> vips = new HashMap<>();
    for (int i = 0; i < resources.size(); i++) {
      Resource r = resources.get(i);
      String rp = "resources[" + i + "]";
      String vipPrev = vips.putIfAbsent(r.floatingIp().address(), r.name());
      if (vipPrev != null) {
        h.error(rp + ".floating-ip.address", "floating IP " + r.floatingIp().address() + " is also used by resource " + vipPrev, "give every resource its own floating IP");
      }
      for (int j = 0; j < r.nfs().exports().size(); j++) {
        Export e = r.nfs().exports().get(j);
        String ep = rp + ".nfs.exports[" + j + "]";
        String prev = fsids.putIfAbsent(e.fsid(), r.name() + " " + e.path());
        if (prev != null) h.error(ep + ".fsid", "fsid " + e.fsid() + " is also used by " + prev, "give every export a unique fsid");
        String prevPath = exportPaths.putIfAbsent(e.path(), r.name());
        if (prevPath != null) h.error(ep + ".path", "export path " + e.path() + " is also exported by resource " + prevPath, "export each path once");
        if (!Syntax.isInside(e.path(), r.filesystem().mountpoint())) {
          h.error(ep + ".path", e.path() + " is not on the resource's filesystem " + r.filesystem().mountpoint(),
              "export a path below " + r.filesystem().mountpoint());
        }
      }
      for (int k = 0; k < resources.size(); k++) {
        if (k == i) continue;
        Resource other = resources.get(k);
        Path mine = r.filesystem().mountpoint();
        Path theirs = other.filesystem().mountpoint();
        if (Syntax.isInside(mine, theirs) && (!mine.equals(theirs) || k < i)) {
          h.error(rp + ".filesystem.mountpoint", mine + (mine.equals(theirs) ? " is also the mountpoint of " : " is inside the mountpoint of ") + "resource " + other.name(),
              "use separate mountpoints that do not nest");
        }
        if (r.filesystem().device().equals(other.filesystem().device()) && k < i) {
          h.error(rp + ".filesystem.device", "device " + r.filesystem().device() + " is also used by resource " + other.name(), "give every resource its own device");
        }
      }
    }
  }
}
