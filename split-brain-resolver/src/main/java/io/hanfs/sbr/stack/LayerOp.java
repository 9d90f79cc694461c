package io.hanfs.sbr.stack;

/** What a layer is asked to do. Every step probes first, so a started layer is adopted, not restarted. */
public enum LayerOp { START, STOP, PROBE }
