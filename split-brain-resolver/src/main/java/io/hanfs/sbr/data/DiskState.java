package io.hanfs.sbr.data;

/** A replica's disk state, in DRBD's words (HAST and a shared disk map onto them). */
public enum DiskState {
  UP_TO_DATE("UpToDate"),
  CONSISTENT("Consistent"),
  OUTDATED("Outdated"),
  INCONSISTENT("Inconsistent"),
  DISKLESS("Diskless"),
  UNKNOWN("unknown");

  public final String drbdName;

  DiskState(String drbdName) {
    this.drbdName = drbdName;
  }

  /** Maps a DRBD disk state word (UpToDate, Consistent, ...; Attaching and the like are UNKNOWN). */
  public static DiskState fromDrbd(String word) {
    for (DiskState s : values()) if (s.drbdName.equalsIgnoreCase(word)) return s;
    if ("Failed".equalsIgnoreCase(word) || "Detaching".equalsIgnoreCase(word)) return DISKLESS;
    return UNKNOWN;
  }
}
