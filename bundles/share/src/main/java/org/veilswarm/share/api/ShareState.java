package org.veilswarm.share.api;

/** Where a share stands. */
public enum ShareState {
    /** Restored after a start, its files being re-checked against the resume data. */
    CHECKING,
    /** Seeding: its tracker answers under the share's link(s). */
    SEEDING,
    /** Its files are gone or changed, or the swarm engine refused it; see {@link Share#error()}. */
    FAILED
}
