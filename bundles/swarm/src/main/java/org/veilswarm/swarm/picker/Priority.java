package org.veilswarm.swarm.picker;

/** Download priority of a piece (usually set per file; v2 pieces never span files). */
public enum Priority {
    /** Not downloaded at all. */
    SKIP,
    NORMAL,
    /** Picked before every normal piece. */
    HIGH
}
